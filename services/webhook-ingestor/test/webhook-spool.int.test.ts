import { createPool } from '@omnistream/db';
import { createKafka, ensureTopics } from '@omnistream/kafka';
import { createLogger } from '@omnistream/logger';
import { readMessages, startTcpProxy, until, useTestDatabase } from '@omnistream/testing';
import { type KafkaJarsBroker, startKafkaFromJars } from '@omnistream/testing/harness';
import { afterAll, describe, expect, it } from 'vitest';
import { startIngestor } from './harness.ts';
import { whatsappWebhook } from './payloads.ts';

const TOPIC = 'omnistream.inbound.v1';

/** A real Kafka of this file's own, with the inbound topic: it is killed and restarted here. */
async function ownBroker(): Promise<KafkaJarsBroker> {
  const broker = await startKafkaFromJars();
  const logger = createLogger({ name: 't', level: 'silent' });
  await ensureTopics({
    kafka: createKafka({ brokers: broker.brokers, clientId: 'spool-test', logger }),
    topics: [{ topic: TOPIC, numPartitions: 3 }],
    logger,
  });
  return broker;
}

// This file needs a broker it may kill and start again on the same address, so it runs its own
// rather than the shared test broker (which other files are using).
describe('Kafka outage: spool, relay, exactly once per event id (real PostgreSQL, restarted broker)', () => {
  const db = useTestDatabase();
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it('answers 200 from the spool while the broker is down and relays every event once when it is back', async () => {
    const broker = await ownBroker();
    cleanups.push(() => broker.stop());
    const brokers = broker.brokers;
    const ingestor = await startIngestor({
      brokers,
      topic: TOPIC,
      pool: db.pool,
      settings: { publishTimeoutMs: 1_000 },
    });
    cleanups.push(() => ingestor.close());

    // Broker up: straight to Kafka.
    const first = whatsappWebhook(0);
    expect(
      (
        await ingestor.app.inject({
          method: 'POST',
          url: '/webhook/whatsapp',
          headers: first.headers,
          payload: first.body,
        })
      ).statusCode,
    ).toBe(200);
    expect(await ingestor.spool.count()).toBe(0);

    // A crash, not a shutdown: the broker answers nothing until it is back.
    await broker.kill();
    const N = 25;
    const statuses: number[] = [];
    for (let i = 1; i <= N; i++) {
      const w = whatsappWebhook(i);
      statuses.push(
        (
          await ingestor.app.inject({
            method: 'POST',
            url: '/webhook/whatsapp',
            headers: w.headers,
            payload: w.body,
          })
        ).statusCode,
      );
    }
    // A Meta redelivery during the outage is stored once.
    const again = whatsappWebhook(7);
    statuses.push(
      (
        await ingestor.app.inject({
          method: 'POST',
          url: '/webhook/whatsapp',
          headers: again.headers,
          payload: again.body,
        })
      ).statusCode,
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(await ingestor.spool.count()).toBe(N * 2);
    expect(ingestor.publisher.direct).toBe(false);
    const ready = await ingestor.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks).toMatchObject({ kafka: false, spool: true });

    await broker.restart();
    const left = await until(
      () => ingestor.spool.count(),
      (n) => n === 0,
      20_000,
    );
    expect(left).toBe(0);
    await until(() => ingestor.publisher.direct, Boolean, 5_000);
    expect(ingestor.publisher.direct).toBe(true);

    // The broker holds the event from before the outage and every spooled event: each event id once.
    const total = 2 + N * 2;
    const messages = await readMessages({ brokers, topic: TOPIC, count: total, settleMs: 1_500 });
    const ids = messages.map((m) => m.headers['event-id']);
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    const texts = messages.map((m) => JSON.parse(m.text ?? '{}')).filter((e) => e.kind === 'message');
    expect(texts.map((e) => e.payload.messageId).sort()).toEqual(
      Array.from({ length: N + 1 }, (_, i) => `wamid.TEST${i}`).sort(),
    );
    expect(texts[0].payload.text).toMatch(/^olá #\d+ https:\/\/example\.com 😀$/);

    // Back to normal: the next webhook goes straight to Kafka.
    const after = whatsappWebhook(100);
    expect(
      (
        await ingestor.app.inject({
          method: 'POST',
          url: '/webhook/whatsapp',
          headers: after.headers,
          payload: after.body,
        })
      ).statusCode,
    ).toBe(200);
    expect(await ingestor.spool.count()).toBe(0);
    const metrics = (await ingestor.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(
      /omnistream_webhook_requests_total\{[^}]*channel="whatsapp"[^}]*outcome="spool"[^}]*\} 26/,
    );
    expect(metrics).toMatch(/omnistream_inbound_relayed_events_total\{[^}]*\} 50/);
    // This ingestor's relay must not drain the next test's spool rows.
    await ingestor.close();
  }, 60_000);

  it('answers 503 with Retry-After only when neither Kafka nor PostgreSQL can take the events', async () => {
    const broker = await ownBroker();
    cleanups.push(() => broker.stop());
    const url = new URL(db.url);
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    cleanups.push(() => proxy.close());
    url.host = proxy.address;
    const pool = createPool({
      connectionString: url.toString(),
      max: 3,
      logger: createLogger({ name: 't', level: 'silent' }),
    });
    cleanups.push(() => pool.end());
    const ingestor = await startIngestor({
      brokers: broker.brokers,
      topic: TOPIC,
      pool,
      settings: { publishTimeoutMs: 500 },
    });
    cleanups.push(() => ingestor.close());

    await broker.kill();
    await proxy.cut();
    const w = whatsappWebhook(1);
    const res = await ingestor.app.inject({
      method: 'POST',
      url: '/webhook/whatsapp',
      headers: w.headers,
      payload: w.body,
    });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json().error.code).toBe('GW_UNAVAILABLE');
    expect((await ingestor.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);

    // PostgreSQL back, Kafka still down: accepted again, from the spool.
    await proxy.restore();
    const res2 = await ingestor.app.inject({
      method: 'POST',
      url: '/webhook/whatsapp',
      headers: w.headers,
      payload: w.body,
    });
    expect(res2.statusCode).toBe(200);
    expect(await ingestor.spool.count()).toBe(2);
  }, 60_000);
});
