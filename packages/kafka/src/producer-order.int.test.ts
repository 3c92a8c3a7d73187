import { readMessages } from '@omnistream/testing';
import {
  type KafkaJarsBroker,
  startKafkaFromJars,
  topicRecordCount,
  until,
} from '@omnistream/testing/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from './client.ts';
import { ensureTopics } from './ensure-topics.ts';
import { createProducer, type Producer } from './producer.ts';
import { silentLogger } from './test-kit.ts';

const KEYS = Array.from({ length: 8 }, (_, i) => `contact-${i}`);
const PARTITIONS = 4;
const RIDE_OUT = { retries: 40, initialRetryTime: 100, maxRetryTime: 1_000 };

/**
 * Reads the whole topic back (the broker's own record count says how much there is) and returns,
 * per key, the sequence numbers in the order of their first occurrence, plus the repeats.
 */
async function readBack(brokers: string[], topic: string) {
  const total = await topicRecordCount(brokers, topic);
  const messages = await readMessages({ brokers, topic, count: total, timeoutMs: 30_000 });
  // One key lives in one partition: its records in offset order are its order on the broker.
  messages.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
  const firsts = new Map<string, number[]>();
  const seen = new Map<string, Set<number>>();
  let duplicates = 0;
  for (const m of messages) {
    const { key, seq } = JSON.parse(m.text ?? '{}') as { key: string; seq: number };
    expect(m.key).toBe(key);
    const set = seen.get(key) ?? new Set<number>();
    seen.set(key, set);
    if (set.has(seq)) {
      duplicates++;
      continue;
    }
    set.add(seq);
    const list = firsts.get(key) ?? [];
    firsts.set(key, list);
    list.push(seq);
  }
  return { total, firsts, duplicates };
}

/** The first occurrences of each key must be 0, 1, 2, … sent: nothing missing, nothing reordered. */
function expectInOrder(firsts: Map<string, number[]>, sent: Map<string, number>) {
  for (const key of KEYS) {
    const count = sent.get(key) ?? 0;
    expect(count).toBeGreaterThan(0);
    const order = firsts.get(key) ?? [];
    const outOfOrder = order.findIndex((seq, i) => seq !== i);
    expect(
      outOfOrder,
      `${key}: first occurrences out of order at #${outOfOrder}: ${order.slice(Math.max(0, outOfOrder - 3), outOfOrder + 3).join(',')}`,
    ).toBe(-1);
    expect(order).toHaveLength(count);
  }
}

// The broker is killed (SIGKILL, data kept) and started again on the same port, so this file runs a
// Kafka of its own rather than the run's shared one.
describe('producer keeps per-key order across a broker crash and restart (real Kafka from jars)', () => {
  let broker: KafkaJarsBroker;
  beforeAll(async () => {
    broker = await startKafkaFromJars();
  }, 90_000);
  afterAll(async () => {
    await broker?.stop();
  });

  async function freshTopic(name: string): Promise<string> {
    const topic = `omnistream.test.order-${name}.${Date.now().toString(36)}`;
    await ensureTopics({
      kafka: createKafka({ brokers: broker.brokers, clientId: 'order-admin', logger: silentLogger }),
      topics: [{ topic, numPartitions: PARTITIONS }],
      logger: silentLogger,
    });
    return topic;
  }

  /** Kills the broker once `before` sends were acknowledged, restarts it, waits for `after` more. */
  async function crashMidStream(acked: () => number, before: number, after: number) {
    await until(acked, (n) => n >= before, 30_000);
    const ackedAtKill = acked();
    const killedAt = Date.now();
    await broker.kill();
    await broker.restart();
    const restartedAt = Date.now();
    const ackedAtRestart = acked();
    await until(acked, (n) => n >= ackedAtRestart + after, 60_000);
    return { ackedAtKill, ackedAtRestart, outageMs: restartedAt - killedAt };
  }

  it('pipelined sends (16 per key outstanding) ride out the outage on the producer retries, in order', async () => {
    const topic = await freshTopic('pipelined');
    const producer: Producer = createProducer({
      kafka: createKafka({
        brokers: broker.brokers,
        clientId: 'order-pipelined',
        logger: silentLogger,
        connectionTimeoutMs: 1_000,
        // Long enough to cover a JVM restart (~40 tries capped at 1 s apart). It has to be the
        // client's: kafkajs reconnects to the cluster with the client-wide retry, and when that one
        // runs out the producer's own retry (createProducer's `retry`) gives up at once.
        retry: RIDE_OUT,
      }),
      logger: silentLogger,
      retry: RIDE_OUT,
    });
    await producer.connect();
    let acked = 0;
    let stop = false;
    const failures: unknown[] = [];
    const sent = new Map<string, number>();
    const WINDOW = 16;
    async function stream(key: string) {
      const pending = new Set<Promise<void>>();
      let seq = 0;
      while (!stop) {
        const value = JSON.stringify({ key, seq });
        const p: Promise<void> = producer
          .send(topic, [{ key, value }])
          .then(
            () => {
              acked++;
            },
            (err: unknown) => {
              failures.push(err);
            },
          )
          .finally(() => pending.delete(p));
        pending.add(p);
        seq++;
        sent.set(key, seq);
        if (pending.size >= WINDOW) await Promise.race(pending);
      }
      await Promise.all(pending);
    }
    const streams = Promise.all(KEYS.map(stream));
    try {
      const crash = await crashMidStream(() => acked, 400, 400);
      stop = true;
      await streams;
      await producer.disconnect();
      expect(failures.map(String)).toEqual([]);
      const { total, firsts, duplicates } = await readBack(broker.brokers, topic);
      expectInOrder(firsts, sent);
      const sends = [...sent.values()].reduce((a, b) => a + b, 0);
      console.log(
        `[producer order, pipelined] ${sends} sends over ${KEYS.length} keys, broker down ${crash.outageMs} ms ` +
          `(killed after ${crash.ackedAtKill} acks), ${total} records on the broker, ${duplicates} duplicates, 0 reordered`,
      );
    } finally {
      stop = true;
      await streams.catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
    }
  }, 120_000);

  it('one send at a time per key, retried by the caller after a failure or a timeout (as the ingestor does), in order', async () => {
    const topic = await freshTopic('retried');
    // The ingestor's settings: fail fast and let the caller decide.
    const producer: Producer = createProducer({
      kafka: createKafka({
        brokers: broker.brokers,
        clientId: 'order-retried',
        logger: silentLogger,
        connectionTimeoutMs: 1_000,
        retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
      }),
      logger: silentLogger,
    });
    await producer.connect();
    let acked = 0;
    let callerRetries = 0;
    let timeouts = 0;
    let stop = false;
    const sent = new Map<string, number>();
    const TIMEOUT_MS = 1_000;
    async function sendWithTimeout(key: string, value: string) {
      let timer: NodeJS.Timeout | undefined;
      const send = producer.send(topic, [{ key, value }]);
      // A send given up on may still land later; it must not overtake the retry or the next one.
      send.catch(() => undefined);
      try {
        await Promise.race([
          send,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => {
              timeouts++;
              reject(new Error('timeout'));
            }, TIMEOUT_MS);
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
    }
    async function stream(key: string) {
      let seq = 0;
      while (!stop) {
        const value = JSON.stringify({ key, seq });
        for (let attempt = 0; ; attempt++) {
          try {
            await sendWithTimeout(key, value);
            break;
          } catch {
            callerRetries++;
            // Backoff between the caller's retries, as the ingestor's relay waits for its interval.
            // wait-ok: the backoff is part of the load under test, not a wait for a condition.
            await new Promise((r) => setTimeout(r, Math.min(1_000, 100 * 2 ** attempt)));
          }
        }
        acked++;
        seq++;
        sent.set(key, seq);
      }
    }
    const streams = Promise.all(KEYS.map(stream));
    try {
      const crash = await crashMidStream(() => acked, 300, 300);
      stop = true;
      await streams;
      await producer.disconnect();
      const { total, firsts, duplicates } = await readBack(broker.brokers, topic);
      expectInOrder(firsts, sent);
      const sends = [...sent.values()].reduce((a, b) => a + b, 0);
      console.log(
        `[producer order, caller retries] ${sends} records over ${KEYS.length} keys, broker down ${crash.outageMs} ms, ` +
          `${callerRetries} caller retries (${timeouts} timeouts), ${total} records on the broker, ${duplicates} duplicates, 0 reordered`,
      );
    } finally {
      stop = true;
      await streams.catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
    }
  }, 120_000);
});
