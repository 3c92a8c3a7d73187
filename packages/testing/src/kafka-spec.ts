/**
 * AsyncAPI spec for mokapi, the Kafka-protocol broker used where Docker is not available. mokapi
 * serves exactly the topics its spec declares: it accepts CreateTopics for other names, but a
 * consumer group on such a topic gets no answer to OffsetFetch (measured on 0.52), so every topic a
 * test may consume from is declared here, including a pool of scratch topics that tests claim for
 * isolation (see kafka-test-topics.ts).
 */
export interface MokapiTopic {
  name: string;
  partitions: number;
}

export const SCRATCH_TOPIC_PREFIX = 'omnistream.test.';

// Kafka's own rule for topic names.
const LEGAL_TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

export function scratchTopicNames(size: number, prefix = SCRATCH_TOPIC_PREFIX): string[] {
  return Array.from({ length: size }, (_, i) => `${prefix}${i}`);
}

export interface MokapiSpecOptions {
  /** Address mokapi advertises to clients; it listens on every interface regardless. */
  host: string;
  port: number;
  topics: readonly MokapiTopic[];
  title?: string;
}

export function mokapiSpec(options: MokapiSpecOptions): string {
  const seen = new Set<string>();
  for (const t of options.topics) {
    if (!LEGAL_TOPIC.test(t.name)) throw new Error(`illegal Kafka topic name: ${JSON.stringify(t.name)}`);
    if (seen.has(t.name)) throw new Error(`topic declared twice: ${t.name}`);
    if (!Number.isInteger(t.partitions) || t.partitions < 1)
      throw new Error(`bad partition count for ${t.name}`);
    seen.add(t.name);
  }
  // Without contentType application/octet-stream mokapi validates values as JSON and rejects
  // anything else with INVALID_RECORD; the gateway's tests need arbitrary bytes.
  const message = '{contentType: application/octet-stream, payload: {}}';
  const lines = [
    "asyncapi: '2.6.0'",
    `info: {title: '${options.title ?? 'omnistream-test'}', version: '1.0'}`,
    'servers:',
    `  local: {url: '${options.host}:${options.port}', protocol: kafka}`,
    'channels:',
  ];
  for (const t of options.topics) {
    lines.push(
      `  '${t.name}':`,
      `    bindings: {kafka: {partitions: ${t.partitions}}}`,
      `    subscribe: {message: ${message}}`,
      `    publish: {message: ${message}}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
