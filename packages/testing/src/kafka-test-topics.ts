import { randomUUID } from 'node:crypto';
import { createKafka, ensureTopics, type TopicNames } from '@omnistream/kafka';
import { createLogger } from '@omnistream/logger';
import { inject } from 'vitest';

export interface TestKafka {
  brokers: string[];
  kind: string;
}

/** The broker of this test run, as the global setup provided it. */
export function testKafka(): TestKafka {
  const brokers = inject('kafkaBrokers');
  const kind = inject('kafkaKind');
  if (!brokers || brokers.length === 0) {
    throw new Error(
      'no Kafka broker was provided to the tests: the vitest global setup (packages/testing/src/global-setup.ts) ' +
        'must start one with startKafkaBroker() and provide kafkaBrokers and kafkaKind',
    );
  }
  return { brokers, kind };
}

/** A topic no other test uses, created fresh (3 partitions unless told). */
export async function uniqueTopic(options: { label?: string; partitions?: number } = {}): Promise<string> {
  const kafka = testKafka();
  const label = (options.label ?? 'topic').replace(/[^A-Za-z0-9_-]/g, '-');
  const topic = `omnistream.test.${label}.${randomUUID().slice(0, 8)}`;
  const logger = createLogger({ name: 'test-kafka', level: 'warn' });
  await ensureTopics({
    kafka: createKafka({ brokers: kafka.brokers, clientId: 'omnistream-test', logger }),
    topics: [{ topic, numPartitions: options.partitions ?? 3 }],
    logger,
  });
  return topic;
}

/** A full set of the gateway's topics, each unique to the caller. */
export async function uniqueTopicNames(): Promise<TopicNames> {
  // One after the other: claims are cheap, and the names then come out in a readable order.
  return {
    inbound: await uniqueTopic({ label: 'inbound' }),
    outbound: await uniqueTopic({ label: 'outbound' }),
    outboundResults: await uniqueTopic({ label: 'results' }),
    outboundDlq: await uniqueTopic({ label: 'dlq' }),
  };
}

/** A consumer group id no other test uses. */
export function uniqueGroupId(label = 'test'): string {
  return `omnistream.test.${label}.${randomUUID().slice(0, 8)}`;
}
