import { randomUUID } from 'node:crypto';
import { createKafka, ensureTopics, type TopicNames } from '@omnistream/kafka';
import { createLogger } from '@omnistream/logger';
import { inject } from 'vitest';
import { claimPoolTopic, type TopicPool } from './kafka-topic-pool.ts';

// Provided by the global setup next to kafkaBrokers and kafkaKind (see provided-context.ts).
declare module 'vitest' {
  export interface ProvidedContext {
    kafkaTopicPool: TopicPool | null;
  }
}

export interface TestKafka {
  brokers: string[];
  kind: string;
  topicPool: TopicPool | null;
}

/** The broker of this test run, as the global setup provided it. */
export function testKafka(): TestKafka {
  const brokers = inject('kafkaBrokers');
  const kind = inject('kafkaKind');
  const topicPool = inject('kafkaTopicPool') ?? null;
  if (!brokers || brokers.length === 0) {
    throw new Error(
      'no Kafka broker was provided to the tests: the vitest global setup (packages/testing/src/global-setup.ts) ' +
        'must start one with startKafkaBroker() and provide kafkaBrokers, kafkaKind and kafkaTopicPool',
    );
  }
  if (kind === 'mokapi' && !topicPool) {
    throw new Error('the test broker is mokapi but no kafkaTopicPool was provided by the global setup');
  }
  return { brokers, kind, topicPool };
}

/**
 * A topic no other test uses, existing and empty. On mokapi it is a scratch topic claimed from the
 * pool (claims are files created with O_EXCL, so they hold across vitest's worker processes and
 * test files); on Kafka a fresh topic is created. `partitions` is honoured only where topics are
 * created; pool topics have `topicPool.partitions`.
 */
export async function uniqueTopic(options: { label?: string; partitions?: number } = {}): Promise<string> {
  const kafka = testKafka();
  if (kafka.topicPool) return claimPoolTopic(kafka.topicPool);
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
