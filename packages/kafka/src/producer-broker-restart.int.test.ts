import { createLogger } from '@omnistream/logger';
import { readMessages } from '@omnistream/testing';
import { startKafkaFromJars } from '@omnistream/testing/harness';
import { afterAll, describe, expect, it } from 'vitest';
import { createKafka } from './client.ts';
import { ensureTopics } from './ensure-topics.ts';
import { createProducer } from './producer.ts';

const KEYS = ['whatsapp:1:a', 'whatsapp:1:b', 'whatsapp:1:c', 'whatsapp:1:d'];
const PER_KEY = 300;

// A broker of the test's own: it is crashed (SIGKILL) and restarted mid-stream.
describe('producer on a real Apache Kafka restarted mid-stream', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it('keeps per-key order (acks=all, one request in flight) while the broker crashes and comes back', async () => {
    const broker = await startKafkaFromJars();
    cleanups.push(() => broker.stop());
    const logger = createLogger({ name: 'producer-restart-test', level: 'silent' });
    const topic = 'omnistream.test.producer-restart';
    const kafka = createKafka({
      brokers: broker.brokers,
      clientId: 'producer-restart-test',
      logger,
      // Long enough to ride out a broker restart (about 4 s here) inside kafkajs' own retries.
      retry: { initialRetryTime: 200, maxRetryTime: 2_000, retries: 30 },
    });
    await ensureTopics({ kafka, topics: [{ topic, numPartitions: 3 }], logger });
    const producer = createProducer({ kafka, logger, lingerMs: 2 });
    await producer.connect();
    cleanups.push(() => producer.disconnect());

    // Every send is issued without waiting for the previous one, as the ingestor does under load;
    // the broker is killed a third of the way in and restarted.
    const sends: Promise<'ok' | 'failed'>[] = [];
    let restarted: Promise<void> | null = null;
    for (let seq = 0; seq < PER_KEY; seq++) {
      for (const key of KEYS) {
        sends.push(
          producer.send(topic, [{ key, value: `${key}#${seq}` }]).then(
            () => 'ok',
            () => 'failed',
          ),
        );
      }
      if (seq === PER_KEY / 3) restarted = broker.kill().then(() => broker.restart());
      await new Promise((r) => setTimeout(r, 2));
    }
    await restarted;
    const outcomes = await Promise.all(sends);
    // Nothing is lost: every send was acknowledged once the broker was back.
    expect(outcomes.filter((o) => o === 'failed')).toEqual([]);

    // Read on past the count: a duplicate counts toward it, so stop only once the topic is quiet.
    const records = await readMessages({
      brokers: broker.brokers,
      topic,
      count: KEYS.length * PER_KEY,
      settleMs: 3_000,
    });
    for (const key of KEYS) {
      const seqs = records.filter((r) => r.key === key).map((r) => Number(r.text?.split('#')[1]));
      // At least once: a retried request may be written twice; what must never happen is a later
      // record of a key landing before an earlier one.
      const firsts: number[] = [];
      const seen = new Set<number>();
      for (const s of seqs) {
        if (!seen.has(s)) {
          seen.add(s);
          firsts.push(s);
        }
      }
      expect(firsts).toEqual(Array.from({ length: PER_KEY }, (_, i) => i));
      const duplicates = seqs.length - firsts.length;
      if (duplicates > 0) console.log(`[producer restart] ${key}: ${duplicates} records written twice`);
    }
  }, 120_000);
});
