import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkaJarsStatus, kafkaJarsVersion, startKafkaFromJars } from './kafka-jars.ts';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return Math.round(kb / 1024);
}

describe('startKafkaFromJars', () => {
  it('has what it needs here: Java >= 17 and the jars scripts/setup.sh fetched', async () => {
    // Not a skip: CI runs scripts/setup.sh, so a missing Java or jar folder is a failure to see.
    const status = await kafkaJarsStatus(kafkaJarsVersion());
    expect(status.reason).toBeTruthy();
    expect(status.available, status.reason).toBe(true);
  });

  it('runs a real broker: 6-partition topic, acks=-1 produce, consumer group reads it all back, stop() ends it', async () => {
    const started = Date.now();
    const broker = await startKafkaFromJars({ startTimeoutMs: 60_000 });
    const readyMs = Date.now() - started;
    const kafka = new Kafka({
      brokers: broker.brokers,
      clientId: 'kafka-jars-test',
      logLevel: logLevel.NOTHING,
    });
    try {
      expect(broker.version).toBe(kafkaJarsVersion());
      console.log(`${broker.description}; RSS ${rssMb(broker.pid)} MB after start`);

      const topic = 'omnistream.jars-test.v1';
      const admin = kafka.admin();
      await admin.connect();
      try {
        expect(
          await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true }),
        ).toBe(true);
        const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
        expect(meta?.partitions).toHaveLength(6);
      } finally {
        await admin.disconnect();
      }

      const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true });
      await producer.connect();
      const sent = Array.from({ length: 60 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
      try {
        const results = await producer.send({ topic, acks: -1, messages: sent });
        expect(results.every((r) => r.errorCode === 0)).toBe(true);
      } finally {
        await producer.disconnect();
      }

      const consumer = kafka.consumer({ groupId: 'omnistream.jars-test.group', maxWaitTimeInMs: 250 });
      const received: { key: string; value: string; partition: number }[] = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topic, fromBeginning: true });
        let done: () => void = () => {};
        const all = new Promise<void>((resolve) => {
          done = resolve;
        });
        await consumer.run({
          eachMessage: async ({ partition, message }) => {
            received.push({ key: String(message.key), value: String(message.value), partition });
            if (received.length >= sent.length) done();
          },
        });
        await Promise.race([
          all,
          new Promise((_, reject) =>
            setTimeout(() => reject(new Error(`got ${received.length} of ${sent.length} messages`)), 30_000),
          ),
        ]);
      } finally {
        await consumer.disconnect();
      }
      expect(received.map((m) => m.key).sort()).toEqual(sent.map((m) => m.key).sort());
      expect(received.every((m) => m.value === `v${m.key.slice(1)}`)).toBe(true);
      // Keys spread over the partitions: the consumer read from more than one.
      expect(new Set(received.map((m) => m.partition)).size).toBeGreaterThan(1);
      console.log(`ready in ${readyMs} ms; RSS ${rssMb(broker.pid)} MB after the round trip`);
    } finally {
      const stopping = Date.now();
      await broker.stop();
      console.log(`stopped in ${Date.now() - stopping} ms`);
    }
    expect(isAlive(broker.pid)).toBe(false);
  }, 120_000);
});
