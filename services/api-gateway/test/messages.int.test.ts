import { randomUUID } from 'node:crypto';
import { parseSendCommand } from '@omnistream/events';
import type { Integration } from '@omnistream/integrations';
import { createOutboundMessagesRepository } from '@omnistream/outbound';
import { testKafka, useTestDatabase } from '@omnistream/testing';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdempotencyKeysRepository } from '../src/features/messages/idempotency-keys.repository.ts';
import { type GatewayWorld, startGatewayWorld, until } from './harness.ts';

interface OnTopic {
  key: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: the test reads the published command's fields directly
  command: any;
}

/** Every record of the outbound topic, read by a plain kafkajs consumer: an independent witness. */
async function watchTopic(topic: string) {
  const kafka = new Kafka({
    brokers: testKafka().brokers,
    clientId: 'messages-test',
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `messages-test-${randomUUID()}`, maxWaitTimeInMs: 200 });
  const seen: OnTopic[] = [];
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
  });
  const admin = kafka.admin();
  await Promise.all([consumer.connect(), admin.connect()]);
  await consumer.subscribe({ topic, fromBeginning: true });
  // The next offset read per partition, to know when everything on the topic so far was read.
  const readUpTo = new Map<number, number>();
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      readUpTo.set(partition, Number(message.offset) + 1);
      seen.push({
        key: message.key?.toString() ?? null,
        command: JSON.parse(message.value?.toString() ?? 'null'),
      });
    },
  });
  await until(() => joined, Boolean, 30_000);
  return {
    of: (commandId: string) => seen.filter((m) => m.command?.commandId === commandId),
    to: (to: string) => seen.filter((m) => m.command?.to === to),
    /**
     * Waits for `commandId` to appear, then until every record on the topic now was read: the
     * gateway publishes before it answers, so a duplicate of an answered request would show too.
     */
    async settled(commandId: string, count = 1) {
      await until(
        () => seen.filter((m) => m.command?.commandId === commandId).length,
        (n) => n >= count,
        15_000,
      );
      const ends = await admin.fetchTopicOffsets(topic);
      await until(
        () => ends.filter((e) => (readUpTo.get(e.partition) ?? Number(e.low)) < Number(e.high)),
        (behind) => behind.length === 0,
        15_000,
      );
      return seen.filter((m) => m.command?.commandId === commandId);
    },
    close: async () => {
      await admin.disconnect();
      await consumer.disconnect();
    },
  };
}

describe('POST /admin/messages and GET /admin/messages/:commandId (real PostgreSQL, broker)', () => {
  const db = useTestDatabase();
  let world: GatewayWorld;
  let topic: Awaited<ReturnType<typeof watchTopic>>;
  let wa: Integration;
  let fb: Integration;
  let ig: Integration;
  let disabled: Integration;

  beforeAll(async () => {
    world = await startGatewayWorld(db.pool);
    const repo = world.gateway.integrations;
    const n = String(Math.floor(Math.random() * 1e9));
    wa = await repo.create({
      channel: 'whatsapp',
      phoneNumberId: `1065${n}`,
      wabaId: `1022${n}`,
      token: `EAAwa${n}`,
    });
    fb = await repo.create({
      channel: 'messenger',
      pageId: `5550${n}`,
      token: `EAApage${n}`,
      tokenType: 'page',
    });
    ig = await repo.create({
      channel: 'instagram',
      igUserId: `1784${n}`,
      token: `IGQWig${n}`,
      tokenType: 'instagram_user',
    });
    const off = await repo.create({ channel: 'whatsapp', phoneNumberId: `1066${n}`, token: `EAAoff${n}` });
    disabled = (await repo.update(off.id, { status: 'disabled' })) as Integration;
    topic = await watchTopic(world.topics.outbound);
  }, 60_000);
  afterAll(async () => {
    await topic?.close();
    await world?.stop();
  });

  const send = (body: unknown, headers: Record<string, string> = {}) =>
    world.call('POST', '/admin/messages', body, headers);

  it('queues a message on every channel: 202, the command on the outbound topic keyed integrationId:to, queued in GET', async () => {
    const requests = [
      { integrationId: wa.id, to: '16505550101', message: { type: 'text', text: 'hello', previewUrl: true } },
      {
        integrationId: wa.id,
        to: '16505550101',
        message: {
          type: 'template',
          name: 'order_update',
          language: 'en_US',
          components: [{ type: 'body', parameters: [{ type: 'text', text: 'A-1001' }] }],
        },
      },
      {
        integrationId: wa.id,
        channel: 'whatsapp',
        to: '16505550102',
        message: {
          type: 'interactive',
          interactive: { type: 'buttons', body: 'Pick one', buttons: [{ id: 'yes', title: 'Yes' }] },
        },
      },
      {
        integrationId: fb.id,
        to: 'psid-2001',
        message: { type: 'media', mediaType: 'image', link: 'https://example.com/a.jpg' },
        messagingType: 'MESSAGE_TAG',
        tag: 'HUMAN_AGENT',
      },
      { integrationId: fb.id, to: 'psid-2001', message: { type: 'sender_action', action: 'typing_on' } },
      // Exactly Instagram's limit: 250 four-byte emoji are 1000 bytes.
      { integrationId: ig.id, to: 'igsid-3001', message: { type: 'text', text: '😀'.repeat(250) } },
      { integrationId: ig.id, to: 'igsid-3001', message: { type: 'media', mediaType: 'file', id: '998877' } },
    ];
    const answers = [];
    for (const body of requests) {
      const res = await send(body);
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      expect(res.body).toEqual({ commandId: expect.any(String), status: 'queued' });
      answers.push(res.body.commandId as string);
    }
    expect(new Set(answers).size).toBe(requests.length);

    const integrationOf: Record<string, Integration> = { [wa.id]: wa, [fb.id]: fb, [ig.id]: ig };
    for (const [i, body] of requests.entries()) {
      const [published, ...more] = await topic.settled(answers[i] as string);
      expect(more).toEqual([]);
      expect(published?.key).toBe(`${body.integrationId}:${body.to}`);
      const command = published?.command;
      expect(parseSendCommand(command).success).toBe(true);
      expect(command).toMatchObject({
        schemaVersion: 1,
        commandId: answers[i],
        integrationId: body.integrationId,
        channel: integrationOf[body.integrationId]?.channel,
        to: body.to,
        message: body.message,
      });
      expect(Date.now() - Date.parse(command.createdAt)).toBeLessThan(60_000);

      const status = await world.call('GET', `/admin/messages/${answers[i]}`);
      expect(status.status).toBe(200);
      expect(status.body).toMatchObject({
        commandId: answers[i],
        integrationId: body.integrationId,
        to: body.to,
        messageType: body.message.type,
        status: 'queued',
        attempts: 0,
        metaMessageId: null,
        history: [{ status: 'queued', at: expect.any(String) }],
      });
    }
  });

  const INVALID_TO = '15550009999';
  const invalid: [string, () => unknown, string, RegExp?][] = [
    [
      'Instagram text over 1000 bytes though under 1000 characters',
      () => ({ integrationId: ig.id, to: INVALID_TO, message: { type: 'text', text: '😀'.repeat(251) } }),
      'body.message.text',
      /1000 bytes/,
    ],
    [
      'Messenger text over 2000 characters',
      () => ({ integrationId: fb.id, to: INVALID_TO, message: { type: 'text', text: 'a'.repeat(2001) } }),
      'body.message.text',
      /2000 characters/,
    ],
    [
      'a template without a name',
      () => ({ integrationId: wa.id, to: INVALID_TO, message: { type: 'template', language: 'en_US' } }),
      'body.message.name',
    ],
    [
      'a template parameter without its type',
      () => ({
        integrationId: wa.id,
        to: INVALID_TO,
        message: {
          type: 'template',
          name: 'order_update',
          language: 'en_US',
          components: [{ type: 'body', parameters: [{ text: 'A-1001' }] }],
        },
      }),
      'body.message.components.0.parameters.0.type',
    ],
    [
      'a message type the channel does not support (template on Instagram, channel from the integration)',
      () => ({
        integrationId: ig.id,
        to: INVALID_TO,
        message: { type: 'template', name: 'order_update', language: 'en_US' },
      }),
      'body.message.type',
      /instagram does not support template/,
    ],
    [
      'an unknown message type',
      () => ({ integrationId: wa.id, to: INVALID_TO, message: { type: 'carousel' } }),
      'body.message.type',
    ],
    [
      'an integrationId that is not a uuid',
      () => ({ integrationId: 'wa-main', to: INVALID_TO, message: { type: 'text', text: 'hi' } }),
      'body.integrationId',
    ],
    [
      'a channel that contradicts the integration',
      () => ({
        integrationId: wa.id,
        channel: 'messenger',
        to: INVALID_TO,
        message: { type: 'text', text: 'hi' },
      }),
      'body.channel',
      /is a whatsapp integration/,
    ],
    [
      'media with both an id and a link',
      () => ({
        integrationId: wa.id,
        to: INVALID_TO,
        message: { type: 'media', mediaType: 'image', id: '123', link: 'https://example.com/a.jpg' },
      }),
      'body.message.link',
    ],
    [
      'a caption on a WhatsApp sticker',
      () => ({
        integrationId: wa.id,
        to: INVALID_TO,
        message: { type: 'media', mediaType: 'sticker', id: '123', caption: 'no' },
      }),
      'body.message.caption',
    ],
    [
      'quick replies on WhatsApp',
      () => ({
        integrationId: wa.id,
        to: INVALID_TO,
        message: { type: 'text', text: 'hi' },
        quickReplies: [{ contentType: 'user_email' }],
      }),
      'body.quickReplies',
    ],
    [
      'MESSAGE_TAG without a tag on Messenger',
      () => ({
        integrationId: fb.id,
        to: INVALID_TO,
        message: { type: 'text', text: 'hi' },
        messagingType: 'MESSAGE_TAG',
      }),
      'body.tag',
    ],
    [
      'a misspelt message field',
      () => ({
        integrationId: wa.id,
        to: INVALID_TO,
        message: { type: 'text', text: 'hi', previewURL: true },
      }),
      'body.message',
      /previewURL/,
    ],
    [
      'schemaVersion, which the server fills in',
      () => ({
        schemaVersion: 1,
        integrationId: wa.id,
        to: INVALID_TO,
        message: { type: 'text', text: 'hi' },
      }),
      'body',
      /schemaVersion/,
    ],
    [
      'a commandId with a space',
      () => ({
        commandId: 'my id',
        integrationId: wa.id,
        to: INVALID_TO,
        message: { type: 'text', text: 'hi' },
      }),
      'body.commandId',
    ],
    ['no recipient', () => ({ integrationId: wa.id, message: { type: 'text', text: 'hi' } }), 'body.to'],
  ];

  it.each(invalid)('refuses %s with 400 naming the field', async (_name, body, path, message) => {
    const res = await send(body());
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('GW_VALIDATION');
    const issue = res.body.error.issues.find((i: { path: string }) => i.path === path);
    expect(issue, JSON.stringify(res.body.error.issues)).toBeDefined();
    if (message) expect(issue.message).toMatch(message);
  });

  it('queues nothing for a refused request', async () => {
    // A valid send after the refused ones: once it is on the topic, so would they be.
    const ok = await send({
      integrationId: wa.id,
      to: '16505550199',
      message: { type: 'text', text: 'after' },
    });
    expect(ok.status).toBe(202);
    await topic.settled(ok.body.commandId);
    expect(topic.to(INVALID_TO)).toEqual([]);
  });

  it('answers 404 for an unknown integration and 409 for a disabled one', async () => {
    const unknownId = randomUUID();
    const unknown = await send({
      integrationId: unknownId,
      to: '16505550101',
      message: { type: 'text', text: 'x' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({
      code: 'GW_NOT_FOUND',
      message: `no integration ${unknownId}`,
    });

    const off = await send({
      integrationId: disabled.id,
      to: '16505550101',
      message: { type: 'text', text: 'x' },
    });
    expect(off.status).toBe(409);
    expect(off.body.error.code).toBe('GW_CONFLICT');
    expect(off.body.error.message).toMatch(/is disabled/);
  });

  it('answers a known commandId with its status instead of queueing it twice, and refuses it for another message', async () => {
    const commandId = `crm-${randomUUID()}`;
    const body = {
      commandId,
      integrationId: wa.id,
      to: '16505550103',
      message: { type: 'text', text: 'once' },
    };
    const first = await send(body);
    const again = await send(body);
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body.commandId).toBe(commandId);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await topic.settled(commandId)).toHaveLength(1);

    const other = await send({ ...body, to: '16505550104' });
    expect(other.status).toBe(409);
    expect(other.body.error.message).toMatch(/already belongs to another message/);
  });

  describe('Idempotency-Key', () => {
    const body = () => ({
      integrationId: wa.id,
      to: '16505550105',
      message: { type: 'text', text: 'pay now' },
    });

    it('a retry with the same key and body gets the same commandId and 202, and the command is queued once', async () => {
      const key = randomUUID();
      const first = await send(body(), { 'idempotency-key': key });
      // Same body with its keys in another order: still the same request.
      const { message, to, integrationId } = body();
      const retry = await send({ message, to, integrationId }, { 'idempotency-key': key });
      expect(first.status).toBe(202);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(retry.status).toBe(202);
      expect(retry.body.commandId).toBe(first.body.commandId);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(await topic.settled(first.body.commandId)).toHaveLength(1);
    });

    it('the same key with another body is refused with 422 and queues nothing', async () => {
      const key = randomUUID();
      const first = await send(body(), { 'idempotency-key': key });
      const other = await send(
        { ...body(), message: { type: 'text', text: 'pay later' } },
        { 'idempotency-key': key },
      );
      expect(other.status).toBe(422);
      expect(other.body.error.code).toBe('GW_IDEMPOTENCY_KEY_REUSED');
      expect(other.body.error.message).toMatch(/Idempotency-Key was used with a different request body/);
      await topic.settled(first.body.commandId);
      expect(topic.to('16505550105').filter((m) => m.command.message.text === 'pay later')).toEqual([]);
    });

    it('concurrent requests with the same key queue one command and all get its commandId', async () => {
      const key = randomUUID();
      const answers = await Promise.all(
        Array.from({ length: 6 }, () =>
          send({ ...body(), message: { type: 'text', text: `race ${key}` } }, { 'idempotency-key': key }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(6).fill(202));
      const ids = new Set(answers.map((a) => a.body.commandId));
      expect(ids.size).toBe(1);
      expect(await topic.settled([...ids][0] as string)).toHaveLength(1);
      expect(topic.to('16505550105').filter((m) => m.command.message.text === `race ${key}`)).toHaveLength(1);
    });

    it('keys live idempotencyTtlHours; once expired the key starts a new message', async () => {
      const key = randomUUID();
      const first = await send(body(), { 'idempotency-key': key });
      const { rows } = await db.pool.query(
        `SELECT extract(epoch FROM expires_at - created_at) / 3600 AS hours FROM idempotency_keys WHERE key = $1`,
        [key],
      );
      expect(Number(rows[0].hours)).toBeCloseTo(24, 2);
      await db.pool.query(
        `UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`,
        [key],
      );
      const later = await send(
        { ...body(), message: { type: 'text', text: 'next month' } },
        { 'idempotency-key': key },
      );
      expect(later.status).toBe(202);
      expect(later.body.commandId).not.toBe(first.body.commandId);
      expect(await topic.settled(later.body.commandId)).toHaveLength(1);

      // Expired keys nobody reuses are deleted by the periodic purge.
      await db.pool.query(
        `UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`,
        [key],
      );
      expect(await createIdempotencyKeysRepository({ pool: db.pool }).purgeExpired()).toBeGreaterThanOrEqual(
        1,
      );
      const left = await db.pool.query('SELECT 1 FROM idempotency_keys WHERE key = $1', [key]);
      expect(left.rowCount).toBe(0);
    });

    it('a retry after a failed publish publishes the command the key recorded, not an answer for nothing', async () => {
      const key = randomUUID();
      const request = { ...body(), message: { type: 'text', text: `kafka down ${key}` } };
      await world.gateway.producer.disconnect();
      let failed: Awaited<ReturnType<typeof send>>;
      try {
        failed = await send(request, { 'idempotency-key': key });
      } finally {
        await world.gateway.producer.connect();
      }
      expect(failed.status).toBe(503);
      expect(failed.body.error.code).toBe('GW_UNAVAILABLE');
      const { rows } = await db.pool.query(
        'SELECT command_id, published_at FROM idempotency_keys WHERE key = $1',
        [key],
      );
      expect(rows[0].published_at).toBeNull();
      const recorded: string = rows[0].command_id;
      // Nothing claims to be queued for a command that never reached Kafka.
      expect((await world.call('GET', `/admin/messages/${recorded}`)).status).toBe(404);

      const retry = await send(request, { 'idempotency-key': key });
      expect(retry.status).toBe(202);
      expect(retry.body.commandId).toBe(recorded);
      expect(retry.headers['idempotent-replayed']).toBeUndefined();
      const again = await send(request, { 'idempotency-key': key });
      expect(again.body.commandId).toBe(recorded);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(await topic.settled(recorded)).toHaveLength(1);
    });
  });

  it('GET shows status, Meta message id, attempts, last error and the full status history', async () => {
    const outbound = createOutboundMessagesRepository({ pool: db.pool });
    const delivered = await send({
      integrationId: wa.id,
      to: '16505550106',
      message: { type: 'text', text: 'a' },
    });
    const failed = await send({
      integrationId: ig.id,
      to: 'igsid-3002',
      message: { type: 'text', text: 'b' },
    });
    const d = delivered.body.commandId as string;
    const f = failed.body.commandId as string;
    await outbound.markSending(d, 1);
    await outbound.markSent(d, { metaMessageId: `wamid.${d}`, attempts: 1 });
    await outbound.applyStatus({
      metaMessageId: `wamid.${d}`,
      status: 'delivered',
      at: new Date().toISOString(),
    });
    const error = {
      code: 'GRAPH_551',
      message: 'This person isn\u2019t available right now',
      retryable: false,
      metaCode: 551,
    };
    await outbound.markSending(f, 1);
    await outbound.recordAttemptError(f, { error, attempts: 1 });
    await outbound.markFailed(f, { error, attempts: 1 });

    const one = await world.call('GET', `/admin/messages/${d}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      status: 'delivered',
      metaMessageId: `wamid.${d}`,
      attempts: 1,
      lastError: null,
      sentAt: expect.any(String),
      deliveredAt: expect.any(String),
    });
    expect(one.body.history.map((h: { status: string }) => h.status)).toEqual([
      'queued',
      'sending',
      'sent',
      'delivered',
    ]);

    const two = await world.call('GET', `/admin/messages/${f}`);
    expect(two.body).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: error,
      failedAt: expect.any(String),
    });
    expect(two.body.history.at(-1)).toMatchObject({ status: 'failed', error });

    const missing = await world.call('GET', `/admin/messages/${randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('GW_NOT_FOUND');
  });

  it('GET shows every error Meta reported on a failed status, not only the first', async () => {
    const outbound = createOutboundMessagesRepository({ pool: db.pool });
    const queued = await send({
      integrationId: wa.id,
      to: '16505550107',
      message: { type: 'text', text: 'c' },
    });
    const id = queued.body.commandId as string;
    await outbound.markSending(id, 1);
    await outbound.markSent(id, { metaMessageId: `wamid.${id}`, attempts: 1 });
    // As the sender's status tracker records a `failed` status carrying two of Meta's errors.
    const metaErrors = [
      { code: 131049, title: 'Per-user marketing limit', message: 'Healthy ecosystem engagement' },
      {
        code: 131026,
        title: 'Message undeliverable',
        details: 'Receiver is incapable of receiving this message',
      },
    ];
    const error = {
      code: 'GRAPH_131049',
      message: 'Healthy ecosystem engagement (also: 131026 Message undeliverable)',
      retryable: false,
      metaCode: 131049,
      metaErrors,
    };
    await outbound.applyStatus({
      metaMessageId: `wamid.${id}`,
      status: 'failed',
      at: new Date().toISOString(),
      error,
    });
    const res = await world.call('GET', `/admin/messages/${id}`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('failed');
    expect(res.body.lastError).toEqual(error);
    expect(res.body.history.at(-1)).toMatchObject({ status: 'failed', error: { metaErrors } });
  });

  it('documents both routes in the OpenAPI document, behind the admin key', async () => {
    const doc = (await world.gateway.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.paths['/admin/messages'].post.requestBody).toBeDefined();
    expect(doc.paths['/admin/messages'].post.security).toEqual([{ adminKey: [] }, { consoleSession: [] }]);
    expect(doc.paths['/admin/messages/{commandId}'].get).toBeDefined();
    const anonymous = await world.gateway.app.inject({ method: 'POST', url: '/admin/messages', payload: {} });
    expect(anonymous.statusCode).toBe(401);
  });
});
