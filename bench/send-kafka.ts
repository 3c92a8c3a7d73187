// Kafka side of `pnpm bench:send`: the send commands it produces and the result / dead-letter
// records it reads back once a run is over (so reading does not load the broker during the run).
import { randomUUID } from 'node:crypto';
import type { SendCommand } from '../packages/events/src/index.ts';
import { commandKey } from '../packages/events/src/index.ts';
import { createKafka, createProducer } from '../packages/kafka/src/index.ts';
import type { Logger } from '../packages/logger/src/index.ts';

type Kafka = ReturnType<typeof createKafka>;

/**
 * WhatsApp text commands to `recipients` distinct numbers, round-robin so each recipient's
 * commands are spread over the topic; every commandId is new (the graph client puts it in
 * `biz_opaque_callback_data`, the simulator's duplicate marker).
 */
export function buildCommands(options: {
  integrationId: string;
  count: number;
  recipients: number;
  /** Distinguishes this run's recipients and texts from other runs'. */
  tag: string;
}): SendCommand[] {
  const createdAt = new Date().toISOString();
  const base = 15_550_000_000 + Math.floor(Math.random() * 1_000) * 10_000;
  return Array.from({ length: options.count }, (_, i) => ({
    schemaVersion: 1,
    commandId: `bench-${options.tag}-${i}-${randomUUID().slice(0, 8)}`,
    integrationId: options.integrationId,
    channel: 'whatsapp',
    to: String(base + (i % options.recipients)),
    message: {
      type: 'text',
      text: `Your order #${100_000 + i} has shipped and arrives tomorrow (${options.tag}).`,
    },
    createdAt,
  }));
}

/**
 * Produces the commands with the gateway's own producer (acks=all, ≤ 128 KiB per request). Chunks
 * of 200 keep each caller's records small enough to be combined.
 */
export async function produceCommands(options: {
  kafka: Kafka;
  logger: Logger;
  topic: string;
  commands: readonly SendCommand[];
}): Promise<{ seconds: number }> {
  const producer = createProducer({ kafka: options.kafka, logger: options.logger });
  await producer.connect();
  const started = performance.now();
  try {
    const sends: Promise<void>[] = [];
    for (let i = 0; i < options.commands.length; i += 200) {
      const chunk = options.commands.slice(i, i + 200);
      sends.push(
        producer.send(
          options.topic,
          chunk.map((c) => ({ key: commandKey(c), value: JSON.stringify(c) })),
        ),
      );
    }
    await Promise.all(sends);
    return { seconds: (performance.now() - started) / 1000 };
  } finally {
    await producer.disconnect();
  }
}

export interface ReadRecord {
  topic: string;
  /** CreateTime the producer stamped (the sender, when it published), epoch ms. */
  timestamp: number;
  value: Record<string, unknown> | null;
}

/**
 * Reads every record the topics hold now, from the beginning to their current high watermarks,
 * with a throwaway consumer group.
 */
export async function readTopics(options: {
  kafka: Kafka;
  topics: readonly string[];
  timeoutMs?: number;
}): Promise<ReadRecord[]> {
  const { kafka, topics } = options;
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<string, number>();
  try {
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        if (Number(p.high) > Number(p.low)) remaining.set(`${topic}:${p.partition}`, Number(p.high));
      }
    }
  } finally {
    await admin.disconnect();
  }
  const records: ReadRecord[] = [];
  if (remaining.size === 0) return records;
  const consumer = kafka.consumer({ groupId: `bench-send-reader-${randomUUID()}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
    let done: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          let value: Record<string, unknown> | null = null;
          try {
            value = JSON.parse(message.value?.toString('utf8') ?? 'null') as Record<string, unknown>;
          } catch {
            value = null;
          }
          records.push({ topic: batch.topic, timestamp: Number(message.timestamp), value });
        }
        const key = `${batch.topic}:${batch.partition}`;
        const high = remaining.get(key);
        if (high !== undefined && Number(batch.lastOffset()) + 1 >= high) remaining.delete(key);
        if (remaining.size === 0) done();
      },
    });
    const timeoutMs = options.timeoutMs ?? 180_000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      finished,
      new Promise<void>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`reading ${topics.join(', ')} did not finish in ${timeoutMs / 1000} s`)),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    return records;
  } finally {
    await consumer.disconnect();
  }
}

export { createKafka };
