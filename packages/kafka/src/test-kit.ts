// Helpers shared by this package's integration tests (never imported by production code).
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@omnistream/logger';
import { testKafka, until } from '@omnistream/testing';
import { createKafka } from './client.ts';
import type { Producer } from './producer.ts';
import { createProducer } from './producer.ts';

export const silentLogger: Logger = createLogger({
  name: 'kafka-test',
  level: 'silent',
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});

export function testKafkaClient(clientId = 'omnistream-kafka-test') {
  return createKafka({ brokers: testKafka().brokers, clientId, logger: silentLogger });
}

export async function connectedProducer(options: { lingerMs?: number } = {}): Promise<Producer> {
  const producer = createProducer({
    kafka: testKafkaClient('omnistream-kafka-test-producer'),
    logger: silentLogger,
    ...options,
  });
  await producer.connect();
  return producer;
}

/**
 * Resolves once `groupId` has committed every record `topic` holds now (its committed offsets reach
 * the broker's high watermarks): the positive barrier for "nothing else is delivered to this group",
 * instead of waiting a fixed time for a message that should not come.
 */
export async function groupCaughtUp(topic: string, groupId: string, timeoutMs = 20_000): Promise<void> {
  const admin = testKafkaClient('omnistream-kafka-test-admin').admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    await until(
      async () => {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        const at = (partition: number) =>
          Number(committed?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
        // The partitions (with their high watermark and committed offset) the group has not reached.
        return ends
          .filter((e) => Number(e.high) > Number(e.low) && at(e.partition) < Number(e.high))
          .map((e) => ({ partition: e.partition, high: e.high, committed: at(e.partition) }));
      },
      (behind) => behind.length === 0,
      timeoutMs,
    );
  } finally {
    await admin.disconnect();
  }
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export const text = (value: Buffer | null) => value?.toString() ?? null;
