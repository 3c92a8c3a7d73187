import type { Logger } from '@omnistream/logger';
import type { ConfigResourceTypes, Kafka } from 'kafkajs';
import type { TopicSpec } from './topics.ts';

// kafkajs' ConfigResourceTypes.TOPIC: Node's ESM loader does not see that CommonJS export by name.
const TOPIC_RESOURCE = 2 as ConfigResourceTypes;

export interface EnsureTopicsOptions {
  kafka: Kafka;
  topics: readonly TopicSpec[];
  logger?: Logger;
  /** How long the broker may take to create topics and elect their leaders. */
  timeoutMs?: number;
  /**
   * Topic name → `max.message.bytes` (the largest record batch, after compression, the broker takes)
   * for the topics that need more than the broker's default (1 MiB in Apache Kafka); e.g. the inbound
   * topic, whose events carry Meta's fragments (docs/services.md, "Event size and quarantine").
   */
  maxMessageBytes?: Readonly<Record<string, number>>;
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
 * break per-key ordering, so fewer partitions than asked for is only reported. A smaller
 * `max.message.bytes` than asked for is only reported too: kafkajs speaks the non-incremental
 * AlterConfigs, which would reset the topic's other settings (retention, ...) to their defaults.
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
          configEntries: maxMessageBytesEntry(options.maxMessageBytes?.[t.topic]),
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
      await warnOnSmallerMessageLimit(admin, existing, options.maxMessageBytes, log);
    }
    return { created, existing };
  } finally {
    await admin.disconnect();
  }
}

function maxMessageBytesEntry(bytes: number | undefined): { name: string; value: string }[] {
  return bytes === undefined ? [] : [{ name: 'max.message.bytes', value: String(bytes) }];
}

async function warnOnSmallerMessageLimit(
  admin: ReturnType<Kafka['admin']>,
  topics: readonly string[],
  wanted: Readonly<Record<string, number>> | undefined,
  log: Logger | undefined,
): Promise<void> {
  const names = topics.filter((t) => wanted?.[t] !== undefined);
  if (names.length === 0 || !log) return;
  const { resources } = await admin.describeConfigs({
    resources: names.map((name) => ({
      type: TOPIC_RESOURCE,
      name,
      configNames: ['max.message.bytes'],
    })),
    includeSynonyms: false,
  });
  for (const resource of resources) {
    const entry = resource.configEntries.find((e) => e.configName === 'max.message.bytes');
    const actual = Number(entry?.configValue);
    const want = wanted?.[resource.resourceName] ?? 0;
    if (Number.isFinite(actual) && actual < want) {
      log.warn(
        {
          topic: resource.resourceName,
          maxMessageBytes: actual,
          wanted: want,
          fix: `kafka-configs.sh --bootstrap-server <broker> --alter --entity-type topics --entity-name ${resource.resourceName} --add-config max.message.bytes=${want}`,
        },
        'topic takes smaller records than configured; larger events will be quarantined. Left unchanged',
      );
    }
  }
}
