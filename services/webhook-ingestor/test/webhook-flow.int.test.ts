import { readFileSync } from 'node:fs';
import { InboundEventSchema, inboundKey } from '@omnistream/events';
import { createIntegrationsRepository, createTokenCipher } from '@omnistream/integrations';
import { readMessages, testKafka, uniqueTopic, until, useTestDatabase } from '@omnistream/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../src/signature.ts';
import { APP_SECRET, encryptionKeys, IG_APP_SECRET, startIngestor, type TestIngestor } from './harness.ts';
import { whatsappWebhook } from './payloads.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

async function post(ingestor: TestIngestor, route: string, body: string, secret = APP_SECRET) {
  return ingestor.app.inject({
    method: 'POST',
    url: `/webhook/${route}`,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-hub-signature-256': signBody(body, secret),
    },
    payload: body,
  });
}

describe('webhook-ingestor: verified webhooks become events on Kafka (real broker and PostgreSQL)', () => {
  const db = useTestDatabase();
  let ingestor: TestIngestor;
  let topic: string;

  beforeAll(async () => {
    topic = await uniqueTopic({ label: 'ingest-flow' });
    ingestor = await startIngestor({ brokers: testKafka().brokers, topic, pool: db.pool });
  });
  afterAll(async () => {
    await ingestor?.close();
  });

  it('publishes every event of every channel keyed per conversation, valid against the v1 schema, then redelivery repeats the same ids', async () => {
    const bodies: [string, string, string?][] = [
      ['whatsapp', fixture('whatsapp-batch.json')],
      ['instagram', fixture('instagram-text.json'), IG_APP_SECRET],
      ['messenger', fixture('messenger-delivery.json')],
      ['fbe', fixture('fbe-install.json')],
    ];
    for (const [route, body, secret] of bodies)
      expect((await post(ingestor, route, body, secret)).statusCode).toBe(200);
    const firstRound = await readMessages({ topic, count: 1, settleMs: 1_500 });
    const events = firstRound.map((m) => InboundEventSchema.parse(JSON.parse(m.text ?? '')));
    expect(new Set(events.map((e) => e.channel))).toEqual(
      new Set(['whatsapp', 'instagram', 'messenger', 'fbe']),
    );
    for (const [i, m] of firstRound.entries()) {
      const e = events[i];
      if (!e) throw new Error('missing event');
      expect(m.key).toBe(inboundKey(e));
      expect(m.headers['event-id']).toBe(e.eventId);
    }
    // The FBE token never crosses Kafka in the clear.
    expect(firstRound.map((m) => m.text).join('\n')).not.toMatch(/EAAVkLX0ZBc0ABO|access_token/);

    for (const [route, body, secret] of bodies)
      expect((await post(ingestor, route, body, secret)).statusCode).toBe(200);
    const both = await readMessages({ topic, count: firstRound.length * 2, settleMs: 1_000 });
    // Partitions interleave differently, so compare as multisets: every first-round id exactly twice.
    const counts = new Map<string, number>();
    for (const m of both)
      counts.set(String(m.headers['event-id']), (counts.get(String(m.headers['event-id'])) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(firstRound.map((m) => String(m.headers['event-id'])).sort());
    expect([...counts.values()].every((n) => n === 2)).toBe(true);
  });

  it('resolves integrationId from the polled integrations table and counts unknown accounts', async () => {
    const phoneNumberId = '555000111222';
    const unknown = whatsappWebhook(1, { phoneNumberId: '999999999999' });
    expect((await post(ingestor, 'whatsapp', unknown.body)).statusCode).toBe(200);
    const repo = createIntegrationsRepository({ pool: db.pool, cipher: createTokenCipher(encryptionKeys) });
    const integration = await repo.create({
      channel: 'whatsapp',
      phoneNumberId,
      token: 'EAAGintegrationtoken1234',
    });
    // The ingestor's token provider has loaded the new row (its poll, no fixed wait).
    await until(
      () => ingestor.tokenProvider.integrationIdFor('whatsapp', phoneNumberId),
      (id) => id === integration.id,
    );
    const known = whatsappWebhook(2, { phoneNumberId });
    expect((await post(ingestor, 'whatsapp', known.body)).statusCode).toBe(200);

    const all = await readMessages({ topic, count: 1, settleMs: 1_500 });
    const events = all.map((m) => JSON.parse(m.text ?? ''));
    const forUnknown = events.filter((e) => e.account.id === '999999999999');
    const forKnown = events.filter((e) => e.account.id === phoneNumberId);
    expect(forUnknown.length).toBe(2);
    expect(forUnknown.every((e) => e.integrationId === null)).toBe(true);
    expect(forKnown.length).toBe(2);
    expect(forKnown.every((e) => e.integrationId === integration.id)).toBe(true);
    const metrics = (await ingestor.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(
      /omnistream_inbound_unknown_account_events_total\{[^}]*channel="whatsapp"[^}]*\} [1-9]/,
    );
  });

  it('media events of a known integration say where the gateway streams them (fetchPath)', async () => {
    // The fixtures' accounts, moved to numbers of their own so no other test's events match.
    const phoneNumberId = '555000444555';
    const pageId = '555000666777';
    const image = fixture('whatsapp-image.json').replaceAll('106540352242922', phoneNumberId);
    const attachment = fixture('messenger-image.json').replaceAll('112233445566778', pageId);
    const repo = createIntegrationsRepository({ pool: db.pool, cipher: createTokenCipher(encryptionKeys) });
    const wa = await repo.create({ channel: 'whatsapp', phoneNumberId, token: 'EAAGmediatoken1234' });
    const page = await repo.create({ channel: 'messenger', pageId, token: 'EAAGpagetoken5678' });
    await until(
      () => [
        ingestor.tokenProvider.integrationIdFor('whatsapp', phoneNumberId),
        ingestor.tokenProvider.integrationIdFor('messenger', pageId),
      ],
      ([w, p]) => w === wa.id && p === page.id,
    );
    expect((await post(ingestor, 'whatsapp', image)).statusCode).toBe(200);
    expect((await post(ingestor, 'messenger', attachment)).statusCode).toBe(200);

    const events = await until(
      async () =>
        (await readMessages({ topic, count: 1, settleMs: 500 }))
          .map((m) => InboundEventSchema.parse(JSON.parse(m.text ?? '')))
          .filter((e) => e.account.id === phoneNumberId || e.account.id === pageId),
      (found) => found.length === 2,
    );
    const payloads = Object.fromEntries(
      events.map((e) => [e.channel, e.kind === 'message' ? e.payload : null]),
    );
    expect(payloads.whatsapp).toMatchObject({
      type: 'image',
      media: { id: '2754859441498128', fetchPath: `/admin/integrations/${wa.id}/media/2754859441498128` },
    });
    const cdnUrl = JSON.parse(attachment).entry[0].messaging[0].message.attachments[0].payload.url;
    expect(payloads.messenger).toMatchObject({
      type: 'attachment',
      attachments: [
        {
          type: 'image',
          url: cdnUrl,
          fetchPath: `/admin/integrations/${page.id}/attachments?url=${encodeURIComponent(cdnUrl)}`,
        },
      ],
    });
  });

  it('verifies and decodes escaped unicode exactly as Meta sends it', async () => {
    const w = whatsappWebhook(42);
    expect(w.body).toContain('\\u00e9'.slice(0, 2));
    expect((await post(ingestor, 'whatsapp', w.body)).statusCode).toBe(200);
    const all = await readMessages({ topic, count: 1, settleMs: 1_000 });
    const msg = all.map((m) => JSON.parse(m.text ?? '')).find((e) => e.payload.messageId === 'wamid.TEST42');
    expect(msg.payload.text).toBe('olá #42 https://example.com 😀');
  });

  it('serves health, readiness and Prometheus metrics', async () => {
    expect((await ingestor.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await ingestor.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { kafka: true, spool: true } });
    const metrics = await ingestor.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    for (const name of [
      'omnistream_webhook_requests_total',
      'omnistream_webhook_signature_failures_total',
      'omnistream_inbound_events_total',
      'omnistream_inbound_publish_duration_seconds_bucket',
      'omnistream_inbound_spool_depth',
      'process_resident_memory_bytes',
    ]) {
      expect(metrics.body).toContain(name);
    }
    expect(metrics.body).toMatch(
      /omnistream_inbound_events_total\{[^}]*channel="whatsapp"[^}]*kind="status"[^}]*\} [1-9]/,
    );
  });
});
