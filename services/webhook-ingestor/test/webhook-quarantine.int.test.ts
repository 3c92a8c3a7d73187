import { randomBytes } from 'node:crypto';
import { createKafka, ensureTopics } from '@omnistream/kafka';
import { createLogger } from '@omnistream/logger';
import { readMessages, testKafka, until, useTestDatabase } from '@omnistream/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startIngestor, type TestIngestor } from './harness.ts';
import { whatsappWebhook } from './payloads.ts';

/** A fresh inbound topic whose records may be at most `maxMessageBytes` (after compression). */
async function topicTaking(maxMessageBytes: number): Promise<string> {
  const topic = `omnistream.test.quarantine.${randomBytes(4).toString('hex')}`;
  const logger = createLogger({ name: 't', level: 'silent' });
  await ensureTopics({
    kafka: createKafka({ brokers: testKafka().brokers, clientId: 'quarantine-test', logger }),
    topics: [{ topic, numPartitions: 3 }],
    maxMessageBytes: { [topic]: maxMessageBytes },
    logger,
  });
  return topic;
}

interface QuarantineRow {
  event_id: string;
  reason: string;
  error_code: string;
  attempts: number;
  value_bytes: number;
  kind: string;
  value: string;
}

describe('an event Kafka refuses for good is quarantined; the webhooks after it keep flowing (real broker and PostgreSQL)', () => {
  const db = useTestDatabase();
  let ingestor: TestIngestor | undefined;
  afterEach(async () => {
    // Its relay must not drain the next test's spool rows.
    await ingestor?.close();
    ingestor = undefined;
  });

  const post = (w: { body: string; headers: Record<string, string> }) =>
    (ingestor as TestIngestor).app.inject({
      method: 'POST',
      url: '/webhook/whatsapp',
      headers: w.headers,
      payload: w.body,
    });
  const quarantined = async (topic: string) =>
    (
      await db.pool.query<QuarantineRow>(
        `SELECT event_id, reason, error_code, attempts, value_bytes, headers->>'event-kind' AS kind, value
         FROM inbound_spool_quarantine WHERE topic = $1 ORDER BY id`,
        [topic],
      )
    ).rows;

  it('a record above the topic’s max.message.bytes: 200, quarantined once, and 100 later webhooks all reach Kafka', async () => {
    // 64 KiB: a webhook of ordinary messages fits (compressed) many times over; 200,000 random
    // characters do not compress below it, and the event carries them twice (payload and raw).
    const topic = await topicTaking(64 * 1024);
    ingestor = await startIngestor({ brokers: testKafka().brokers, topic, pool: db.pool });

    const poison = whatsappWebhook(0, { text: randomBytes(150_000).toString('base64') });
    expect((await post(poison)).statusCode).toBe(200);
    const later = Array.from({ length: 100 }, (_, i) => whatsappWebhook(i + 1));
    for (let i = 0; i < later.length; i += 10) {
      const statuses = await Promise.all(later.slice(i, i + 10).map(async (w) => (await post(w)).statusCode));
      expect(statuses).toEqual(Array(statuses.length).fill(200));
    }

    // The spool empties and the ingestor publishes directly again: nothing waits behind the bad event.
    await until(
      () => ingestor?.spool.count(),
      (n) => n === 0,
    );
    await until(() => ingestor?.publisher.direct, Boolean);

    // Every event of the 100 later webhooks (a message and a status each), and the poison webhook's
    // status, are on the topic; its message is not. (At least once: a request the broker refused
    // for one partition may have written the others, whose events the relay then sends again.)
    const messages = await readMessages({ topic, count: 201, settleMs: 1_000 });
    const events = [
      ...new Map(messages.map((m) => [m.headers['event-id'], JSON.parse(m.text ?? '{}')])).values(),
    ];
    expect(events).toHaveLength(201);
    const wamids = events.filter((e) => e.kind === 'message').map((e) => e.payload.messageId);
    expect(wamids.sort()).toEqual(later.map((_, i) => `wamid.TEST${i + 1}`).sort());
    expect(messages.some((m) => m.text?.includes('wamid.OUT0'))).toBe(true);

    const rows = await quarantined(topic);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ reason: 'too_large', attempts: 1, kind: 'message' });
    expect(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']).toContain(rows[0]?.error_code);
    expect(rows[0]?.value_bytes).toBeGreaterThan(400_000);
    expect(JSON.parse(rows[0]?.value ?? '{}').payload.messageId).toBe('wamid.TEST0');

    // Tried once by the relay, then never again at the head of the spool.
    expect(ingestor.logs.filter((l) => l.includes('Kafka refused a spooled event for good'))).toHaveLength(1);
    const metrics = (await ingestor.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/omnistream_inbound_spool_quarantined_total\{[^}]*reason="too_large"[^}]*\} 1\n/);
    const { rows: all } = await db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM inbound_spool_quarantine',
    );
    await until(
      async () => (await ingestor?.app.inject({ method: 'GET', url: '/metrics' }))?.body ?? '',
      (m) => new RegExp(`omnistream_inbound_spool_quarantine_depth(\\{[^}]*\\})? ${all[0]?.n}\n`).test(m),
    );
    const ready = await ingestor.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks).toEqual({ kafka: true, spool: true, 'spool-relay': true });
  }, 60_000);

  it('an event above INBOUND_EVENT_MAX_BYTES is quarantined without being offered to Kafka; its webhook’s other events are published', async () => {
    const topic = await topicTaking(8 * 1024 * 1024);
    ingestor = await startIngestor({
      brokers: testKafka().brokers,
      topic,
      pool: db.pool,
      settings: { maxEventBytes: 64 * 1024 },
    });
    const big = whatsappWebhook(7, { text: 'x'.repeat(40_000) });
    const res = await post(big);
    expect(res.statusCode).toBe(200);

    const messages = await readMessages({ topic, count: 1, settleMs: 1_000 });
    expect(messages.map((m) => JSON.parse(m.text ?? '{}').kind)).toEqual(['status']);
    const rows = await quarantined(topic);
    expect(rows.map((r) => [r.event_id, r.reason, r.error_code, r.kind])).toEqual([
      [expect.any(String), 'too_large', 'EVENT_TOO_LARGE', 'message'],
    ]);
    expect(await ingestor.spool.count()).toBe(0);
    expect(ingestor.publisher.direct).toBe(true);

    // Meta redelivers the webhook: still one quarantined row, one more refused attempt.
    expect((await post(big)).statusCode).toBe(200);
    expect((await quarantined(topic)).map((r) => r.attempts)).toEqual([2]);
  }, 60_000);

  it('/readyz tells the truth about a stuck relay without refusing webhooks the spool can still store', async () => {
    const topic = await topicTaking(8 * 1024 * 1024);
    // An older event for a topic that does not exist (it was deleted): Kafka answers "unknown topic",
    // which is retriable, so it blocks the head of the spool until an operator acts.
    await db.pool.query(
      `INSERT INTO inbound_spool (event_id, topic, key, value) VALUES ('evt-stuck', $1, 'k', '{}')`,
      [`omnistream.test.deleted.${randomBytes(4).toString('hex')}`],
    );
    ingestor = await startIngestor({
      brokers: testKafka().brokers,
      topic,
      pool: db.pool,
      settings: { spoolStuckAfterMs: 1_000 },
    });

    const w = whatsappWebhook(42);
    expect((await post(w)).statusCode).toBe(200);
    const stuck = await until(
      async () => (await ingestor?.app.inject({ method: 'GET', url: '/readyz' }))?.json(),
      (body) => body?.checks?.['spool-relay'] === false,
    );
    // Still ready: the spool takes webhooks durably; the checks show what is wrong.
    expect(stuck).toEqual({
      status: 'ready',
      shuttingDown: false,
      checks: { kafka: false, spool: true, 'spool-relay': false },
    });
    // The gauges follow at the relay's next pass.
    const metrics = await until(
      async () => (await ingestor?.app.inject({ method: 'GET', url: '/metrics' }))?.body ?? '',
      (m) => /omnistream_inbound_spool_relay_stuck(\{[^}]*\})? 1\n/.test(m),
    );
    expect(metrics).toMatch(/omnistream_inbound_spool_depth(\{[^}]*\})? 3\n/);
    const age = Number(
      /omnistream_inbound_spool_oldest_age_seconds(?:\{[^}]*\})? ([\d.]+)\n/.exec(metrics)?.[1],
    );
    expect(age).toBeGreaterThanOrEqual(1);

    // The operator drops the dead row: the relay moves on and the webhook's events reach Kafka.
    await db.pool.query(`DELETE FROM inbound_spool WHERE event_id = 'evt-stuck'`);
    const messages = await readMessages({ topic, count: 2, timeoutMs: 30_000 });
    expect(messages.map((m) => JSON.parse(m.text ?? '{}').kind).sort()).toEqual(['message', 'status']);
    const healed = await until(
      async () => (await ingestor?.app.inject({ method: 'GET', url: '/readyz' }))?.json(),
      (body) => body?.checks?.kafka === true,
    );
    expect(healed.checks).toEqual({ kafka: true, spool: true, 'spool-relay': true });
  }, 60_000);
});
