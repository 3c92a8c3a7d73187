import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { testKafka } from './kafka-test-topics.ts';

export interface ReadMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  /** value decoded as UTF-8. */
  text: string | null;
  headers: Record<string, string>;
}

export interface ReadMessagesOptions {
  topic: string;
  /** Resolves once this many messages were read (throws if they do not arrive in time). */
  count: number;
  /** After `count`, keep reading this long so that unexpected extra messages show up too. */
  settleMs?: number;
  timeoutMs?: number;
  brokers?: string[];
}

/**
 * Reads a topic from the beginning with a throwaway consumer group: plain kafkajs, so tests of our
 * own producer and consumer have an independent witness.
 */
export async function readMessages(options: ReadMessagesOptions): Promise<ReadMessage[]> {
  const brokers = options.brokers ?? testKafka().brokers;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const kafka = new Kafka({ brokers, clientId: 'omnistream-test-reader', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({
    groupId: `omnistream.test.reader.${randomUUID()}`,
    maxWaitTimeInMs: 250,
  });
  const messages: ReadMessage[] = [];
  let reached: () => void = () => {};
  const enough = new Promise<void>((resolve) => {
    reached = resolve;
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) {
          const last = Array.isArray(value) ? value.at(-1) : value;
          if (last !== undefined) headers[name] = last.toString();
        }
        messages.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: message.value,
          text: message.value?.toString() ?? null,
          headers,
        });
        if (messages.length >= options.count) reached();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([enough, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      throw new Error(
        `expected ${options.count} messages on ${options.topic} within ${timeoutMs} ms, got ${messages.length}`,
      );
    }
    if (options.settleMs) await new Promise((r) => setTimeout(r, options.settleMs));
    return [...messages];
  } finally {
    await consumer.disconnect();
  }
}
