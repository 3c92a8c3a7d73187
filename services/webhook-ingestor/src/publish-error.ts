// Which publish failures are the event's own fault (quarantine it) and which are the broker's or the
// network's (keep it in the spool, in order, and retry). docs/services.md, "Event size and quarantine".

export type QuarantineReason = 'too_large' | 'invalid_record' | 'non_retriable';

export type PublishFailure =
  | { kind: 'transient' }
  | { kind: 'quarantine'; reason: QuarantineReason; code: string; message: string };

/** An event above INBOUND_EVENT_MAX_BYTES: refused before Kafka sees it. */
export class EventTooLargeError extends Error {
  override name = 'EventTooLargeError';
  readonly code = 'EVENT_TOO_LARGE';
  readonly bytes: number;
  readonly maxBytes: number;
  constructor(bytes: number, maxBytes: number) {
    super(`event is ${bytes} bytes, above INBOUND_EVENT_MAX_BYTES (${maxBytes})`);
    this.bytes = bytes;
    this.maxBytes = maxBytes;
  }
}

// Kafka's error codes for a record the broker will never take, whoever sends it how often:
// https://kafka.apache.org/protocol#protocol_error_codes
const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);
const INVALID = new Set(['INVALID_RECORD', 'INVALID_TIMESTAMP', 'UNSUPPORTED_FOR_MESSAGE_FORMAT']);
// Non-retriable for Kafka, but about our credentials, the topic or the cluster rather than one event:
// every event would fail alike, so quarantining would empty the spool of good events out of order.
// These keep the spool waiting (and readiness shows the relay stuck) until an operator fixes them.
const NOT_THE_EVENTS_FAULT =
  /AUTHORIZATION_FAILED|AUTHENTICATION|SASL|UNSUPPORTED_VERSION|UNSUPPORTED_COMPRESSION_TYPE|INVALID_REQUIRED_ACKS|INVALID_TOPIC_EXCEPTION|UNKNOWN_TOPIC|POLICY_VIOLATION|INVALID_CONFIG|CLUSTER|SECURITY|THROTTL/;

interface ProtocolErrorLike {
  type: string;
  retriable?: unknown;
  message?: unknown;
}

/**
 * kafkajs wraps what the broker answered: KafkaJSNumberOfRetriesExceeded (itself "non-retriable")
 * around the last retriable error, KafkaJSNonRetriableError around a refusal. The broker's verdict is
 * the innermost error with a protocol `type`.
 */
function protocolError(error: unknown): ProtocolErrorLike | undefined {
  let current: unknown = error;
  let found: ProtocolErrorLike | undefined;
  const seen = new Set<unknown>();
  while (typeof current === 'object' && current !== null && !seen.has(current) && seen.size < 8) {
    seen.add(current);
    const c = current as { type?: unknown; cause?: unknown; originalError?: unknown };
    if (typeof c.type === 'string') found = c as ProtocolErrorLike;
    current = c.cause ?? c.originalError;
  }
  return found;
}

/**
 * Quarantine only what Kafka says it will refuse again for this record; anything unknown (timeouts,
 * connection errors, leader moves, our own bugs) counts as transient: retrying keeps order and loses
 * nothing, and a relay that stays stuck shows in /readyz and the spool metrics.
 */
export function classifyPublishError(error: unknown): PublishFailure {
  if (error instanceof EventTooLargeError) {
    return { kind: 'quarantine', reason: 'too_large', code: error.code, message: error.message };
  }
  const protocol = protocolError(error);
  if (!protocol) return { kind: 'transient' };
  const message = typeof protocol.message === 'string' ? protocol.message : protocol.type;
  if (TOO_LARGE.has(protocol.type))
    return { kind: 'quarantine', reason: 'too_large', code: protocol.type, message };
  if (INVALID.has(protocol.type))
    return { kind: 'quarantine', reason: 'invalid_record', code: protocol.type, message };
  if (protocol.retriable === false && !NOT_THE_EVENTS_FAULT.test(protocol.type))
    return { kind: 'quarantine', reason: 'non_retriable', code: protocol.type, message };
  return { kind: 'transient' };
}
