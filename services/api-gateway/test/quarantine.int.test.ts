import { decodeCursor, encodeCursor } from '@omnistream/service-kit';
import { readMessages, testKafka, useTestDatabase } from '@omnistream/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIngestor, type TestIngestor } from '../../webhook-ingestor/test/harness.ts';
import { whatsappWebhook } from '../../webhook-ingestor/test/payloads.ts';
import { type GatewayWorld, startGatewayWorld, until } from './harness.ts';

const BASE = '/admin/spool/quarantine';

describe('spool quarantine admin API: list, retry, drop (real ingestor, gateway, PostgreSQL, broker)', () => {
  const db = useTestDatabase();
  let world: GatewayWorld;
  let ingestor: TestIngestor;
  const big = (i: number) => whatsappWebhook(i, { text: `${'y'.repeat(40_000)} #${i}` });

  beforeAll(async () => {
    world = await startGatewayWorld(db.pool);
    // The ingestor's hard limit set low, so real webhooks are quarantined by the ingestor's own code.
    ingestor = await startIngestor({
      brokers: testKafka().brokers,
      topic: world.topics.inbound,
      pool: db.pool,
      settings: { maxEventBytes: 64 * 1024 },
    });
    for (const i of [1, 2, 3]) {
      const w = big(i);
      const res = await ingestor.app.inject({
        method: 'POST',
        url: '/webhook/whatsapp',
        headers: w.headers,
        payload: w.body,
      });
      expect(res.statusCode).toBe(200);
    }
  }, 60_000);
  afterAll(async () => {
    await ingestor?.close();
    await world?.stop();
  });

  it('lists newest first with a cursor, with reason, error, sizes and times but never the event itself', async () => {
    const first = await world.call('GET', `${BASE}?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await world.call('GET', `${BASE}?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.status).toBe(200);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    // The cursor is the shared opaque scheme; the bare id handed out before it still pages.
    const lastOfFirst = String(first.body.items[1].id);
    expect(decodeCursor(first.body.nextCursor, 1)).toEqual([lastOfFirst]);
    expect(first.body.nextCursor).not.toBe(lastOfFirst);
    const byOldCursor = await world.call('GET', `${BASE}?limit=2&cursor=${lastOfFirst}`);
    expect(byOldCursor.status).toBe(200);
    expect(byOldCursor.body).toEqual(second.body);
    const items = [...first.body.items, ...second.body.items];
    expect(items.map((q) => q.id)).toEqual([...items.map((q) => q.id)].sort((a, b) => b - a));
    expect(new Set(items.map((q) => q.eventId)).size).toBe(3);
    for (const q of items) {
      expect(q).toEqual({
        id: expect.any(Number),
        eventId: expect.any(String),
        topic: world.topics.inbound,
        key: expect.stringMatching(/^whatsapp:106540352242922:/),
        kind: 'message',
        reason: 'too_large',
        errorCode: 'EVENT_TOO_LARGE',
        errorMessage: expect.stringContaining('above INBOUND_EVENT_MAX_BYTES (65536)'),
        attempts: 1,
        sizeBytes: expect.any(Number),
        acceptedAt: expect.any(String),
        firstAttemptAt: expect.any(String),
        lastAttemptAt: expect.any(String),
        quarantinedAt: expect.any(String),
      });
      expect(q.sizeBytes).toBeGreaterThan(80_000);
    }
    expect(first.text + second.text).not.toContain('yyyyyyyy');

    expect((await world.call('GET', `${BASE}?reason=invalid_record`)).body).toEqual({
      items: [],
      nextCursor: null,
    });
    for (const cursor of ['abc', encodeCursor(['not-an-id'])]) {
      const bad = await world.call('GET', `${BASE}?cursor=${cursor}`);
      expect(bad.status, cursor).toBe(400);
      expect(bad.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['querystring.cursor']);
    }
    expect((await world.call('GET', `${BASE}?reason=bogus`)).status).toBe(400);
    expect((await world.call('GET', BASE, undefined, { authorization: 'Bearer nope' })).status).toBe(401);
  });

  it('retry: 202, the event leaves the quarantine and the ingestor’s relay delivers it to Kafka', async () => {
    const { body } = await world.call('GET', `${BASE}?limit=1`);
    const target = body.items[0];
    const res = await world.call('POST', `${BASE}/${target.id}/retry`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ id: target.id, eventId: target.eventId });

    const messages = await readMessages({ topic: world.topics.inbound, count: 4, timeoutMs: 30_000 });
    const delivered = messages
      .map((m) => JSON.parse(m.text ?? '{}'))
      .find((e) => e.eventId === target.eventId);
    expect(delivered?.payload.text).toMatch(/^y{40000} #\d$/);
    await until(
      () => ingestor.spool.count(),
      (n) => n === 0,
    );
    const left = await world.call('GET', BASE);
    expect(left.body.items.map((q: { id: number }) => q.id)).not.toContain(target.id);
    expect(left.body.items).toHaveLength(2);
    expect((await world.call('POST', `${BASE}/${target.id}/retry`)).status).toBe(404);
  }, 60_000);

  it('delete: drops the event for good with an audit log line naming the admin key', async () => {
    const { body } = await world.call('GET', BASE);
    const target = body.items[0];
    const res = await world.call('DELETE', `${BASE}/${target.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: target.id, eventId: target.eventId, reason: 'too_large' });
    const audit = world.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'quarantined event dropped');
    expect(audit).toMatchObject({
      audit: 'spool_quarantine_drop',
      quarantineId: target.id,
      eventId: target.eventId,
      by: expect.any(String),
    });
    expect((await world.call('GET', BASE)).body.items).toHaveLength(1);
    expect((await world.call('DELETE', `${BASE}/${target.id}`)).status).toBe(404);
    expect((await world.call('DELETE', `${BASE}/abc`)).status).toBe(400);
    expect((await world.call('POST', `${BASE}/0/retry`)).status).toBe(400);
  });

  it('is documented in /openapi.json behind the admin key', async () => {
    const doc = (await world.gateway.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.paths[BASE].get.security).toEqual([{ adminKey: [] }, { consoleSession: [] }]);
    expect(Object.keys(doc.paths[`${BASE}/{id}/retry`])).toEqual(['post']);
    expect(Object.keys(doc.paths[`${BASE}/{id}`])).toEqual(['delete']);
  });
});
