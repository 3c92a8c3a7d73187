/** Logical topics of the gateway. Names are configurable per deployment; these are the defaults. */
export interface TopicNames {
  /** Normalized inbound events, keyed `channel:accountId:contactId`. */
  inbound: string;
  /** Send commands, keyed `integrationId:recipient`. */
  outbound: string;
  /** Send outcomes, keyed like the command they answer. */
  outboundResults: string;
  /** Commands that exhausted their retries or were invalid, with the last error. */
  outboundDlq: string;
}

export type TopicRole = keyof TopicNames;

export const defaultTopics: Readonly<TopicNames> = Object.freeze({
  inbound: 'omnistream.inbound.v1',
  outbound: 'omnistream.outbound.v1',
  outboundResults: 'omnistream.outbound.results.v1',
  outboundDlq: 'omnistream.outbound.dlq.v1',
});

/**
 * Partitions bound consumer parallelism and can only grow later at the price of moving keys to
 * other partitions (and so breaking per-key ordering), hence a generous start. The DLQ shares the
 * command key so a replay keeps per-recipient order too.
 */
export const defaultPartitions: Readonly<Record<TopicRole, number>> = Object.freeze({
  inbound: 6,
  outbound: 6,
  outboundResults: 6,
  outboundDlq: 6,
});

/** What `ensureTopics` needs to create a topic. */
export interface TopicSpec {
  topic: string;
  numPartitions: number;
  /** Omitted: min(3, brokers in the cluster). */
  replicationFactor?: number;
}

/** Every configured topic name, in a stable order. */
export function allTopics(names: TopicNames = defaultTopics): string[] {
  return [names.inbound, names.outbound, names.outboundResults, names.outboundDlq];
}

/** Every configured topic with its partition count, ready for `ensureTopics`. */
export function topicSpecs(
  names: TopicNames = defaultTopics,
  options: { partitions?: Partial<Record<TopicRole, number>>; replicationFactor?: number } = {},
): TopicSpec[] {
  const roles: TopicRole[] = ['inbound', 'outbound', 'outboundResults', 'outboundDlq'];
  return roles.map((role) => ({
    topic: names[role],
    numPartitions: options.partitions?.[role] ?? defaultPartitions[role],
    ...(options.replicationFactor === undefined ? {} : { replicationFactor: options.replicationFactor }),
  }));
}
