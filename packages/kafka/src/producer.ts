import type { Logger } from '@omnistream/logger';
import { CompressionTypes, type Kafka, Partitioners, type RetryOptions } from 'kafkajs';
import { createSendBatcher } from './batcher.ts';
import type { OutgoingMessage } from './messages.ts';

export interface CreateProducerOptions {
  kafka: Kafka;
  logger: Logger;
  /** Wait this long after the first queued send for more to join the batch. 0: end of the tick. */
  lingerMs?: number;
  /** Most records per request (one caller's records are never split). */
  maxBatch?: number;
  /**
   * Most estimated bytes per request. 128 KiB: well under Kafka's 1 MiB `message.max.bytes`
   * default (a record batch above the broker's or topic's limit is refused whole), and small
   * enough that the records first in a batch are not held behind a long request.
   */
  maxBatchBytes?: number;
  /** Requests in flight at once; 1 (default) keeps same-key records in the order they were sent. */
  maxInFlight?: number;
  /**
   * 'gzip' compresses a request when one `send` in it brought at least `compressFromBytes`
   * (kafkajs' only built-in codec; zlib runs off the event loop). The broker checks
   * max.message.bytes against the compressed batch, and every Kafka client reads gzip. Default 'none'.
   */
  compression?: 'none' | 'gzip';
  /**
   * With gzip, requests made only of smaller sends go uncompressed: a lone webhook's few KB fit any
   * topic as they are, and a request of many small webhooks under load would cost zlib's CPU on every
   * request for nothing. A large send (a big webhook's events) is compressed: it fits a topic's
   * limit better, and the request held in memory until the broker answers is smaller. Default 64 KiB.
   */
  compressFromBytes?: number;
  retry?: RetryOptions;
}

export interface Producer {
  connect(): Promise<void>;
  /**
   * Resolves once the broker acknowledged every message (acks=all); rejects if their batch failed,
   * in which case some of them may still have been written: send again, consumers deduplicate.
   */
  send(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  /** Sends what is queued without waiting for the linger and waits for every pending send. */
  flush(): Promise<void>;
  /** Flushes pending sends, then closes the connections. */
  disconnect(): Promise<void>;
  /** Between a successful `connect()` and `disconnect()`. */
  readonly connected: boolean;
  /** Connected and the most recent batch did not fail: what a readiness probe wants. */
  readonly healthy: boolean;
}

type State = 'idle' | 'connecting' | 'connected' | 'disconnecting' | 'disconnected';

/**
 * Producer with acks=all whose concurrent `send` calls share requests (see batcher.ts). One request
 * in flight (maxInFlight 1) keeps same-key records in order across retries.
 *
 * Idempotence stays off: kafkajs marks its idempotent producer experimental and it needs
 * maxInFlightRequests=1 per connection; duplicates from a retried request are already tolerated
 * because every event and command carries a stable id that consumers deduplicate on.
 */
export function createProducer(options: CreateProducerOptions): Producer {
  const log = options.logger.child({ component: 'kafka-producer' });
  const producer = options.kafka.producer({
    // Topics are created deliberately (ensureTopics); a typo must fail, not create a topic.
    allowAutoTopicCreation: false,
    idempotent: false,
    // Explicit, to silence kafkajs' v2 notice; murmur2 like the Java client, so keys land on the same
    // partitions whichever client produced them.
    createPartitioner: Partitioners.DefaultPartitioner,
    ...(options.retry ? { retry: options.retry } : {}),
  });
  let state: State = 'idle';
  let lastBatchFailed = false;

  const compressFromBytes =
    options.compression === 'gzip' ? (options.compressFromBytes ?? 64 * 1024) : Infinity;
  const batcher = createSendBatcher({
    sendBatch: async (topicMessages, { largestAddBytes }) => {
      const compression =
        largestAddBytes >= compressFromBytes ? CompressionTypes.GZIP : CompressionTypes.None;
      await producer.sendBatch({ acks: -1, topicMessages, compression });
    },
    lingerMs: options.lingerMs ?? 0,
    maxBatchMessages: options.maxBatch ?? 500,
    maxBatchBytes: options.maxBatchBytes ?? 128 * 1024,
    maxInFlight: options.maxInFlight ?? 1,
    onBatchSettled: ({ error, ...info }) => {
      lastBatchFailed = error !== undefined;
      if (error === undefined) log.debug(info, 'batch acknowledged');
      else log.error({ ...info, err: error }, 'batch failed');
    },
  });

  return {
    async connect() {
      if (state === 'connected') return;
      state = 'connecting';
      try {
        await producer.connect();
        state = 'connected';
        lastBatchFailed = false;
      } catch (err) {
        state = 'idle';
        throw err;
      }
    },
    send(topic, messages) {
      if (state !== 'connected') {
        return Promise.reject(new Error(`kafka producer is ${state}, cannot send to ${topic}`));
      }
      return batcher.add(topic, messages);
    },
    flush: () => batcher.flush(),
    async disconnect() {
      if (state === 'disconnected' || state === 'idle') return;
      state = 'disconnecting';
      try {
        await batcher.flush();
      } finally {
        await producer.disconnect();
        state = 'disconnected';
      }
    },
    get connected() {
      return state === 'connected';
    },
    get healthy() {
      return state === 'connected' && !lastBatchFailed;
    },
  };
}
