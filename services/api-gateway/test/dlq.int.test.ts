import { randomUUID } from 'node:crypto';
import type { DlqRecord } from '@omnistream/events';
import type { Integration } from '@omnistream/integrations';
import { createKafka, createProducer, type Producer } from '@omnistream/kafka';
import { createLogger } from '@omnistream/logger';
import { decodeCursor, encodeCursor } from '@omnistream/service-kit';
import { readMessages, testKafka, topicRecordCount, useTestDatabase } from '@omnistream/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sender, settingsFor, startSender, stopSender } from '../../message-sender/test/harness.ts';
import { createDeadLettersRepository } from '../src/features/dlq/dead-letters.repository.ts';
import { createDlqMirrorHandler } from '../src/features/dlq/dlq-mirror.consumer.ts';
import { encryptionKeys, type GatewayWorld, startGatewayWorld, until } from './harness.ts';

const quiet = createLogger({ name: 'dlq-test', level: 'silent' });

describe('dead letters: DLQ mirror, GET /admin/dlq, replay (real sender, PostgreSQL, broker, meta-sim)', () => {
  const db = useTestDatabase();
  let world: GatewayWorld;
  let sender: Sender;
  let producer: Producer;
  let wa: Integration;
  let ig: Integration;
  const n = String(Math.floor(Math.random() * 1e9));
  const ids = { phone: `1065${n}`, waba: `1022${n}`, ig: `1784${n}` };

  beforeAll(async () => {
    world = await startGatewayWorld(db.pool);
    const tokens = { wa: `EAAGwa${n}tok1`, ig: `IGQWig${n}tok3` };
    world.sim.setLimits({
      whatsappPerSecond: Infinity,
      whatsappPairIntervalMs: 1,
      whatsappPairBurst: 1_000_000,
      messengerPerSecond: Infinity,
      instagramPerSecond: Infinity,
    });
    world.sim.accounts.addWhatsAppNumber({ phoneNumberId: ids.phone, wabaId: ids.waba, tokens: [tokens.wa] });
    world.sim.accounts.addInstagramAccount({ igUserId: ids.ig, tokens: [tokens.ig] });
    const repo = world.gateway.integrations;
    wa = await repo.create({
      channel: 'whatsapp',
      phoneNumberId: ids.phone,
      wabaId: ids.waba,
      token: tokens.wa,
    });
    ig = await repo.create({
      channel: 'instagram',
      igUserId: ids.ig,
      token: tokens.ig,
      tokenType: 'instagram_user',
    });

    const brokers = testKafka().brokers;
    producer = createProducer({
      kafka: createKafka({ brokers, clientId: 'dlq-test', logger: quiet }),
      logger: quiet,
    });
    [sender] = await Promise.all([
      startSender({
        logger: quiet,
        pool: db.pool,
        settings: settingsFor(world.sim, brokers, world.topics, {
          encryptionKeys,
          send: { maxAttempts: 3, minDelayMs: 50, maxDelayMs: 200, reauthWaitMs: 2_000, reauthPollMs: 100 },
        }),
      }),
      producer.connect(),
    ]);
  }, 90_000);
  afterAll(async () => {
    await stopSender(sender);
    await producer?.disconnect();
    await world?.stop();
  });

  const deadLettersOf = async (query: string) => (await world.call('GET', `/admin/dlq?${query}`)).body.items;
  const message = async (commandId: string) => (await world.call('GET', `/admin/messages/${commandId}`)).body;

  it('a send Meta refuses shows up in GET /admin/dlq; once the cause is fixed a replay sends it exactly once', async () => {
    // The customer has not written for 24 h: WhatsApp refuses free-form text (131047, not retryable).
    world.sim.window.enforce(true);
    const to = '16505550201';
    const queued = await world.call('POST', '/admin/messages', {
      integrationId: wa.id,
      to,
      message: { type: 'text', text: 'your order shipped' },
    });
    expect(queued.status).toBe(202);
    const commandId: string = queued.body.commandId;

    const [letter] = await until(
      () => deadLettersOf(`integrationId=${wa.id}&errorCode=GRAPH_131047`),
      (items) => items.some((d: { commandId: string }) => d.commandId === commandId),
    );
    expect(letter).toMatchObject({
      commandId,
      integrationId: wa.id,
      channel: 'whatsapp',
      reason: 'non_retryable',
      errorCode: 'GRAPH_131047',
      attempts: 1,
      replayedAt: null,
      replayCount: 0,
      record: { command: { commandId, to }, reason: 'non_retryable' },
    });
    expect(letter.errorMessage).toMatch(/24 hours/);
    expect(await message(commandId)).toMatchObject({ status: 'failed', lastError: { code: 'GRAPH_131047' } });
    // The filters narrow, they do not just decorate.
    expect(await deadLettersOf(`integrationId=${ig.id}`)).toEqual([]);
    expect(await deadLettersOf('errorCode=GRAPH_131026')).toEqual([]);
    expect(await deadLettersOf('replayed=true')).toEqual([]);
    expect(
      (await deadLettersOf('replayed=false&reason=non_retryable')).map((d: { id: number }) => d.id),
    ).toEqual([letter.id]);

    // The cause goes away (the customer writes), the admin replays.
    world.sim.window.recordInbound({ from: to });
    const replay = await world.call('POST', '/admin/dlq/replay', { ids: [letter.id] });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ replayed: [{ id: letter.id, commandId }], skipped: [], more: false });

    const sent = await until(
      () => message(commandId),
      (m) => m.status === 'sent',
    );
    expect(sent.metaMessageId).toMatch(/^wamid\./);
    expect(sent.history.map((h: { status: string }) => h.status)).toEqual([
      'queued',
      'sending',
      'failed',
      'queued',
      'sending',
      'sent',
    ]);
    expect(sent.history[3].note).toMatch(/replayed/);
    expect(world.sim.ledger.count({ to })).toBe(1);

    // The original command, unchanged, went back on the outbound topic under the same key.
    const onTopic = (await readMessages({ topic: world.topics.outbound, count: 2 })).filter(
      (m) => JSON.parse(m.text ?? '{}').commandId === commandId,
    );
    expect(onTopic).toHaveLength(2);
    expect(onTopic.map((m) => m.key)).toEqual([`${wa.id}:${to}`, `${wa.id}:${to}`]);
    expect(JSON.parse(onTopic[1]?.text ?? '')).toEqual(JSON.parse(onTopic[0]?.text ?? ''));
    expect(onTopic[1]?.headers['omnistream-replay-of']).toBe(String(letter.id));

    const [marked] = await deadLettersOf(`replayed=true&integrationId=${wa.id}`);
    expect(marked).toMatchObject({ id: letter.id, replayCount: 1, replayedAt: expect.any(String) });

    // Replaying it again sends nothing twice.
    const outboundBefore = await topicRecordCount(testKafka().brokers, world.topics.outbound);
    const again = await world.call('POST', '/admin/dlq/replay', { ids: [letter.id] });
    expect(again.body.replayed).toEqual([]);
    expect(again.body.skipped).toEqual([
      { id: letter.id, commandId, reason: 'already_sent', message: expect.stringMatching(/already sent/) },
    ]);
    // Nothing went back on the outbound topic, so nothing can be sent again.
    expect(await topicRecordCount(testKafka().brokers, world.topics.outbound)).toBe(outboundBefore);
    expect(world.sim.ledger.count({ to })).toBe(1);
  });

  it('replays by filter: every matching dead letter not replayed yet, and only those', async () => {
    const to = '16505550202';
    const fault = world.sim.faults.add({ match: { to }, action: { type: 'error', code: 131026 } });
    const template = { type: 'template', name: 'order_update', language: 'en_US' };
    const commandIds: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await world.call('POST', '/admin/messages', {
        integrationId: wa.id,
        to,
        message: template,
      });
      commandIds.push(res.body.commandId);
    }
    await until(
      () => deadLettersOf('errorCode=GRAPH_131026&replayed=false'),
      (items) => items.length === 2,
    );
    world.sim.faults.remove(fault.id);

    // The integration's first dead letter (replayed in the test above) matches too, but is not replayed again.
    const replay = await world.call('POST', '/admin/dlq/replay', { filter: { integrationId: wa.id } });
    expect(replay.status).toBe(200);
    expect(replay.body.replayed.map((r: { commandId: string }) => r.commandId).sort()).toEqual(
      [...commandIds].sort(),
    );
    expect(replay.body.skipped).toEqual([]);
    for (const id of commandIds)
      await until(
        () => message(id),
        (m) => m.status === 'sent',
      );
    expect(world.sim.ledger.count({ to })).toBe(2);

    const nothingLeft = await world.call('POST', '/admin/dlq/replay', { filter: { integrationId: wa.id } });
    expect(nothingLeft.body).toEqual({ replayed: [], skipped: [], more: false });
  });

  it('an invalid command is mirrored with its reason and skipped on replay', async () => {
    const commandId = randomUUID();
    // A downstream system put a command on the topic that Instagram cannot take.
    await producer.send(world.topics.outbound, [
      {
        key: `${ig.id}:igsid-1`,
        value: JSON.stringify({
          schemaVersion: 1,
          commandId,
          integrationId: ig.id,
          channel: 'instagram',
          to: 'igsid-1',
          message: { type: 'template', name: 'order_update', language: 'en_US' },
          createdAt: new Date().toISOString(),
        }),
      },
    ]);
    const [letter] = await until(
      () => deadLettersOf(`reason=invalid&integrationId=${ig.id}`),
      (items) => items.length === 1,
    );
    expect(letter).toMatchObject({
      commandId,
      reason: 'invalid',
      errorCode: 'SENDER_INVALID_COMMAND',
      attempts: 0,
    });
    expect(letter.errorMessage).toMatch(/instagram does not support template/);

    const replay = await world.call('POST', '/admin/dlq/replay', { ids: [letter.id, 999_999] });
    expect(replay.status).toBe(200);
    expect(replay.body.replayed).toEqual([]);
    expect(replay.body.skipped).toEqual([
      { id: letter.id, commandId, reason: 'invalid_command', message: expect.any(String) },
      { id: 999_999, commandId: null, reason: 'not_found', message: 'no dead letter 999999' },
    ]);
    expect((await deadLettersOf('reason=invalid'))[0].replayCount).toBe(0);
  });

  it('stores records that are not dead letters of ours as unparseable and keeps mirroring', async () => {
    const good: DlqRecord = {
      schemaVersion: 1,
      command: { commandId: `nul-${n}`, integrationId: wa.id, channel: 'whatsapp', to: '1' },
      reason: 'retries_exhausted',
      // PostgreSQL refuses NUL and lone surrogates in text and jsonb; the mirror must not stop on them.
      errors: [{ at: new Date().toISOString(), message: 'bad\u0000bytes \ud800 here', code: 'GRAPH_2' }],
      attempts: 3,
      deadLetteredAt: new Date().toISOString(),
    };
    await producer.send(world.topics.outboundDlq, [{ key: 'x', value: 'this is not json' }]);
    await producer.send(world.topics.outboundDlq, [{ key: 'x', value: JSON.stringify({ hello: 'world' }) }]);
    await producer.send(world.topics.outboundDlq, [{ key: 'x', value: JSON.stringify(good) }]);

    const unparseable = await until(
      () => deadLettersOf('reason=unparseable'),
      (items) => items.length === 2,
    );
    expect(unparseable.map((d: { errorCode: string }) => d.errorCode).sort()).toEqual([
      'DLQ_RECORD_INVALID',
      'DLQ_RECORD_NOT_JSON',
    ]);
    expect(
      unparseable.find((d: { errorCode: string }) => d.errorCode === 'DLQ_RECORD_NOT_JSON').record,
    ).toEqual({
      value: 'this is not json',
    });
    const [stored] = await until(
      () => deadLettersOf('errorCode=GRAPH_2'),
      (items) => items.length === 1,
    );
    expect(stored).toMatchObject({ commandId: `nul-${n}`, reason: 'retries_exhausted', attempts: 3 });
    expect(stored.errorMessage).toBe('bad\uFFFDbytes \uFFFD here');

    const replay = await world.call('POST', '/admin/dlq/replay', {
      ids: unparseable.map((d: { id: number }) => d.id),
    });
    expect(replay.body.skipped.map((s: { reason: string }) => s.reason)).toEqual([
      'unparseable_record',
      'unparseable_record',
    ]);

    // Redelivery of a record already mirrored (a rebalance, lost offsets) stores nothing new.
    const before = (await db.pool.query('SELECT count(*)::int AS n FROM dead_letters')).rows[0].n;
    const handler = createDlqMirrorHandler({
      repository: createDeadLettersRepository({ pool: db.pool }),
      logger: quiet,
    });
    await handler({
      topic: stored.topic,
      partition: stored.partition,
      offset: stored.offset,
      key: null,
      value: Buffer.from(JSON.stringify(good)),
      headers: {},
      timestamp: String(Date.now()),
    });
    expect((await db.pool.query('SELECT count(*)::int AS n FROM dead_letters')).rows[0].n).toBe(before);
  });

  it('pages through the list newest first and validates its input', async () => {
    const all = await deadLettersOf('limit=200');
    expect(all.length).toBeGreaterThanOrEqual(6);
    const ids = all.map((d: { id: number }) => d.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));

    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { id: number }[]; nextCursor: string | null } } =
        await world.call('GET', `/admin/dlq?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((d) => d.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);

    // The shared opaque scheme hands out the cursor; a bare id (the format before it) still pages.
    const first = await world.call('GET', '/admin/dlq?limit=2');
    const next = first.body.nextCursor as string;
    expect(next).not.toBe(String(ids[1]));
    expect(decodeCursor(next, 1)).toEqual([String(ids[1])]);
    const byNew = await world.call('GET', `/admin/dlq?limit=2&cursor=${next}`);
    const byOld = await world.call('GET', `/admin/dlq?limit=2&cursor=${ids[1]}`);
    expect(byNew.status).toBe(200);
    expect(byNew.body.items.map((d: { id: number }) => d.id)).toEqual(ids.slice(2, 4));
    expect(byOld.body).toEqual(byNew.body);
    for (const cursor of ['abc', '-1', encodeCursor(['x']), encodeCursor(['1', '2'])]) {
      const bad = await world.call('GET', `/admin/dlq?cursor=${encodeURIComponent(cursor)}`);
      expect(bad.status, cursor).toBe(400);
      expect(bad.body.error.issues, cursor).toEqual([
        { path: 'querystring.cursor', message: 'is not a cursor this API returned' },
      ]);
    }

    const badQuery = await world.call('GET', '/admin/dlq?replayed=maybe');
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error.issues.map((i: { path: string }) => i.path)).toContain('querystring.replayed');
    const both = await world.call('POST', '/admin/dlq/replay', { ids: [1], filter: {} });
    expect(both.status).toBe(400);
    expect(both.body.error.issues.map((i: { path: string }) => i.path)).toContain('body.filter');
    const neither = await world.call('POST', '/admin/dlq/replay', {});
    expect(neither.body.error.issues.map((i: { path: string }) => i.path)).toContain('body.ids');
  });
});
