import { createRedactor, type Redactor } from '@omnistream/logger';
import type { ConsumedMessage, OutgoingMessage } from './messages.ts';
import type { Producer } from './producer.ts';
import { isRetryable } from './retry-policy.ts';

/** A message the runner gave up on, with why. */
export interface DeadLetter {
  message: ConsumedMessage;
  /** The last attempt's error. */
  error: unknown;
  /** Every attempt's error, oldest first. */
  errors: readonly unknown[];
  attempts: number;
  /** The policy's reason, e.g. "non-retryable error". */
  reason: string;
  groupId: string;
  failedAt: Date;
}

/** Where dead letters go. Resolving means durably stored: only then is the offset committed. */
export interface DeadLetterSink {
  publish(deadLetter: DeadLetter): Promise<void>;
}

/** Headers the default record adds to the original message (replay tools read these). */
export const deadLetterHeaders = Object.freeze({
  errorName: 'dlq-error-name',
  errorMessage: 'dlq-error-message',
  errorCode: 'dlq-error-code',
  errorRetryable: 'dlq-error-retryable',
  reason: 'dlq-reason',
  attempts: 'dlq-attempts',
  sourceTopic: 'dlq-source-topic',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
  consumerGroup: 'dlq-consumer-group',
  failedAt: 'dlq-failed-at',
});

const MAX_ERROR_MESSAGE_BYTES = 4096;

/**
 * The original key and value byte for byte (so a replay re-produces exactly what failed, to the
 * same partition), the original headers, and the failure as `dlq-*` headers. Error text is
 * scrubbed of tokens: a DLQ is read by more people than the logs.
 */
export function defaultDeadLetterRecord(deadLetter: DeadLetter, redactor: Redactor): OutgoingMessage {
  const { message, error } = deadLetter;
  const err = error instanceof Error ? error : new Error(String(error));
  const code = (error as { code?: unknown } | null)?.code;
  const retryable = isRetryable(error);
  const headers: Record<string, string | Buffer> = {
    ...message.headers,
    [deadLetterHeaders.errorName]: err.name,
    [deadLetterHeaders.errorMessage]: truncate(redactor.scrubString(err.message), MAX_ERROR_MESSAGE_BYTES),
    [deadLetterHeaders.reason]: deadLetter.reason,
    [deadLetterHeaders.attempts]: String(deadLetter.attempts),
    [deadLetterHeaders.sourceTopic]: message.topic,
    [deadLetterHeaders.sourcePartition]: String(message.partition),
    [deadLetterHeaders.sourceOffset]: message.offset,
    [deadLetterHeaders.consumerGroup]: deadLetter.groupId,
    [deadLetterHeaders.failedAt]: deadLetter.failedAt.toISOString(),
  };
  if (typeof code === 'string' || typeof code === 'number')
    headers[deadLetterHeaders.errorCode] = String(code);
  if (retryable !== undefined) headers[deadLetterHeaders.errorRetryable] = String(retryable);
  return { key: message.key, value: message.value, headers };
}

export interface KafkaDeadLetterSinkOptions {
  producer: Producer;
  topic: string;
  /** Replaces the default record, e.g. to wrap a command with its error history as JSON. */
  toRecord?: (deadLetter: DeadLetter) => OutgoingMessage;
  redactor?: Redactor;
}

/** Dead letters produced to a Kafka topic; resolves once the broker acknowledged them. */
export function createKafkaDeadLetterSink(options: KafkaDeadLetterSinkOptions): DeadLetterSink {
  const redactor = options.redactor ?? createRedactor();
  const toRecord = options.toRecord ?? ((dl: DeadLetter) => defaultDeadLetterRecord(dl, redactor));
  return {
    publish: (deadLetter) => options.producer.send(options.topic, [toRecord(deadLetter)]),
  };
}

function truncate(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text);
  if (bytes.byteLength <= maxBytes) return text;
  // Cutting bytes may split a UTF-8 sequence; the decoder replaces the fragment with U+FFFD.
  return `${bytes.subarray(0, maxBytes).toString('utf8')}…`;
}
