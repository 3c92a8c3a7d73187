import type { Logger } from '@omnistream/logger';
import type { ConsumerRunConfig, IHeaders, Kafka, KafkaMessage, RetryOptions } from 'kafkajs';
import { type ConsumerState, superviseConsumer } from './consumer-supervisor.ts';
import type { DeadLetterSink } from './dead-letter.ts';
import { type MessageHandler, processMessage } from './message-processor.ts';
import type { ConsumedMessage } from './messages.ts';
import type { FailurePolicy } from './retry-policy.ts';

export interface RunConsumerOptions {
  kafka: Kafka;
  logger: Logger;
  groupId: string;
  topics: readonly string[];
  handler: MessageHandler;
  policy: FailurePolicy;
  /** Where messages go when the policy gives up on them. */
  deadLetter: DeadLetterSink;
  /** Partitions processed in parallel; within a partition messages are always processed in order. */
  partitionsConsumedConcurrently?: number;
  /**
   * Where a group without committed offsets starts. Default true: the first deployment of a
   * consumer must not skip what was produced before its group existed.
   */
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Longest a fetch waits for data; it also bounds how long a stop waits for an idle fetch. */
  maxWaitTimeMs?: number;
  retry?: RetryOptions;
  /** First delay before restarting after a crash kafkajs would not restart (default 1 s, doubling). */
  restartDelayMs?: number;
}

export interface ConsumerRunner {
  /** Lets the in-flight handlers finish and commit, abandons pending retries, then leaves the group. */
  stop(): Promise<void>;
  /** Joined and consuming (not stopped, not crashed or restarting): what a readiness probe wants. */
  readonly running: boolean;
  /** running, or why not (see ConsumerState). */
  readonly state: ConsumerState;
}

/**
 * Consumes `topics` in `groupId` one message at a time per partition, committing each offset
 * explicitly after its handler succeeded (or its dead letter was stored).
 *
 * Why eachMessage + `commitOffsets(offset + 1)` rather than eachBatch + resolveOffset: the commit
 * is exactly "this message is done", there is no batch-level state to get wrong on a failed
 * handler or a rebalance, and with autoCommit off kafkajs never commits on its own, so nothing can
 * be committed before its handler succeeded. One OffsetCommit per message costs a round trip to the
 * coordinator, small next to handlers that call the Graph API.
 */
export async function runConsumer(options: RunConsumerOptions): Promise<ConsumerRunner> {
  const log = options.logger.child({ component: 'kafka-consumer', groupId: options.groupId });
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 3_000;
  const consumer = options.kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: options.sessionTimeoutMs ?? 30_000,
    heartbeatInterval: heartbeatIntervalMs,
    maxWaitTimeInMs: options.maxWaitTimeMs ?? 1_000,
    allowAutoTopicCreation: false,
    ...(options.retry ? { retry: options.retry } : {}),
  });
  const stopping = new AbortController();
  const inFlight = new Set<Promise<unknown>>();
  let stopped: Promise<void> | null = null;

  const runConfig: ConsumerRunConfig = {
    autoCommit: false,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
    eachMessage: async ({ topic, partition, message, heartbeat }) => {
      // Stopping: leave the rest of the fetched batch uncommitted; it is redelivered after restart.
      if (stopping.signal.aborted) return;
      const work = processMessage(toConsumedMessage(topic, partition, message), {
        handler: options.handler,
        policy: options.policy,
        deadLetter: options.deadLetter,
        groupId: options.groupId,
        commit: () => consumer.commitOffsets([{ topic, partition, offset: nextOffset(message.offset) }]),
        heartbeat,
        heartbeatIntervalMs,
        signal: stopping.signal,
        logger: log,
      });
      inFlight.add(work);
      try {
        await work;
      } finally {
        inFlight.delete(work);
      }
    },
  };
  // Readiness follows the supervisor: a crash makes it false until the group is joined again,
  // whether kafkajs restarts the consumer or (after a non-retriable error) the supervisor does.
  const supervisor = superviseConsumer(consumer, {
    logger: log,
    ...(options.restartDelayMs !== undefined ? { initialDelayMs: options.restartDelayMs } : {}),
    restart: async () => {
      await consumer.connect();
      await consumer.run(runConfig);
    },
  });

  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning ?? true });
    await consumer.run(runConfig);
  } catch (err) {
    await consumer.disconnect().catch(() => undefined);
    throw err;
  }
  log.info({ topics: options.topics }, 'consumer running');

  return {
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        await supervisor.stop();
        await Promise.allSettled([...inFlight]);
        await consumer.disconnect();
        log.info('consumer stopped');
      })();
      return stopped;
    },
    get running() {
      return supervisor.state === 'running';
    },
    get state() {
      return supervisor.state;
    },
  };
}

export function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}

function toConsumedMessage(topic: string, partition: number, message: KafkaMessage): ConsumedMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ?? null,
    value: message.value ?? null,
    headers: decodeHeaders(message.headers),
    timestamp: message.timestamp,
  };
}

function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw.at(-1) : raw;
    if (value !== undefined) out[name] = value.toString();
  }
  return out;
}
