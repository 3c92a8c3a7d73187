import type { Logger } from '@omnistream/logger';
import type { Kafka } from 'kafkajs';
import type { TopicSpec } from './topics.ts';

export interface EnsureTopicsOptions {
  kafka: Kafka;
  topics: readonly TopicSpec[];
  logger?: Logger;
  /** How long the broker may take to create topics and elect their leaders. */
  timeoutMs?: number;
}

export interface EnsureTopicsResult {
  created: string[];
  existing: string[];
}

/**
 * Creates the topics that do not exist yet; idempotent, and safe when several services start at
 * once (a topic created by someone else in between counts as existing).
 *
 * Existing topics are never altered: adding partitions would move keys to other partitions and
 * break per-key ordering, so fewer partitions than asked for is only reported.

 */
export async function ensureTopics(options: EnsureTopicsOptions): Promise<EnsureTopicsResult> {
  const admin = options.kafka.admin();
  const log = options.logger?.child({ component: 'kafka-topics' });
  await admin.connect();
  try {
    const existingNames = new Set(await admin.listTopics());
    const missing = options.topics.filter((t) => !existingNames.has(t.topic));
    const created: string[] = [];
    if (missing.length > 0) {
      const { brokers } = await admin.describeCluster();
      // kafkajs speaks CreateTopics v3, where -1 ("broker default") is not allowed yet.
      const defaultReplication = Math.max(1, Math.min(3, brokers.length));
      const createdAny = await admin.createTopics({
        topics: missing.map((t) => ({
          topic: t.topic,
          numPartitions: t.numPartitions,
          replicationFactor: t.replicationFactor ?? defaultReplication,
        })),
        waitForLeaders: true,
        timeout: options.timeoutMs ?? 30_000,
      });
      // false: someone else created (some of) them in between; they count as existing.
      if (createdAny) created.push(...missing.map((t) => t.topic));
      if (created.length > 0) log?.info({ topics: created }, 'created kafka topics');
    }

    const existing = options.topics.map((t) => t.topic).filter((name) => !created.includes(name));
    if (existing.length > 0) {
      const metadata = await admin.fetchTopicMetadata({ topics: existing });
      for (const topic of metadata.topics) {
        const wanted = options.topics.find((t) => t.topic === topic.name)?.numPartitions ?? 0;
        if (topic.partitions.length < wanted) {
          log?.warn(
            { topic: topic.name, partitions: topic.partitions.length, wanted },
            'topic has fewer partitions than configured; left unchanged',
          );
        }
      }
    }
    return { created, existing };
  } finally {
    await admin.disconnect();
  }
}
