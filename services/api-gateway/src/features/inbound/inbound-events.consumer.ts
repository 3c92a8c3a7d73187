import {
  describeInvalidEvent,
  type InboundEventKind,
  type InboundEventOf,
  parseInboundEvent,
} from '@omnistream/events';
import {
  type ConsumedMessage,
  createRetryPolicy,
  type DeadLetterSink,
  type FailurePolicy,
  type MessageHandler,
  type RunConsumerOptions,
} from '@omnistream/kafka';
import type { Logger } from '@omnistream/logger';
import { type BackgroundConsumer, runBackgroundConsumer } from '../../shared/background-consumers.ts';

/** One handler per event kind the gateway acts on; a kind without one is skipped. */
export type InboundEventHandlers = {
  [K in InboundEventKind]?: (event: InboundEventOf<K>) => Promise<void>;
};

/** The ingestor's header naming the event's kind (webhook-ingestor event-publisher.ts). */
const KIND_HEADER = 'event-kind';

/**
 * A handler that failed is retried with backoff (its database blinked); one that keeps failing, or
 * says its error is not retryable, is given up after this many attempts so that one event cannot
 * hold up its partition for good. The event stays in the topic for its retention, and what it
 * changes is re-read from Meta by the periodic template sync.
 */
const DEFAULT_POLICY = createRetryPolicy({ maxAttempts: 8, initialDelayMs: 500, maxDelayMs: 30_000 });

function locate(message: ConsumedMessage) {
  return { topic: message.topic, partition: message.partition, offset: message.offset };
}

/**
 * Routes each record to the handler of its kind. Cheap for the kinds nobody handles: the ingestor's
 * `event-kind` header decides without parsing; without the header only the JSON is parsed. Records
 * that are not JSON or not a valid event are logged and skipped (committed): retrying cannot fix
 * them, and blocking the partition would stop every event behind them.
 */
export function createInboundEventDispatcher(options: {
  handlers: InboundEventHandlers;
  logger: Logger;
}): MessageHandler {
  // Read once: a handler added after the consumer started would silently miss events.
  const handlers: InboundEventHandlers = { ...options.handlers };
  const handles = (kind: unknown): kind is InboundEventKind =>
    typeof kind === 'string' &&
    Object.hasOwn(handlers, kind) &&
    handlers[kind as InboundEventKind] !== undefined;
  const log = options.logger;

  return async (message) => {
    const headerKind = message.headers[KIND_HEADER];
    if (headerKind !== undefined && !handles(headerKind)) return;

    let json: unknown;
    try {
      json = JSON.parse(message.value?.toString('utf8') ?? '');
    } catch (err) {
      log.warn({ ...locate(message), err }, 'inbound record is not JSON; skipped');
      return;
    }
    if (!handles((json as { kind?: unknown } | null)?.kind)) return;

    const parsed = parseInboundEvent(json);
    if (!parsed.success) {
      log.warn(
        {
          ...locate(message),
          eventId: (json as { eventId?: unknown }).eventId,
          kind: (json as { kind?: unknown }).kind,
          issues: describeInvalidEvent(parsed.error),
        },
        'inbound record is not a valid event; skipped',
      );
      return;
    }
    const event = parsed.data;
    const handler = handlers[event.kind] as ((e: typeof event) => Promise<void>) | undefined;
    await handler?.(event);
  };
}

/** Gives up on an event by logging it: the inbound topic has no dead-letter topic of its own. */
function logDeadLetters(logger: Logger): DeadLetterSink {
  return {
    async publish(deadLetter) {
      logger.error(
        {
          ...locate(deadLetter.message),
          kind: deadLetter.message.headers[KIND_HEADER],
          eventId: deadLetter.message.headers['event-id'],
          err: deadLetter.error,
          attempts: deadLetter.attempts,
          reason: deadLetter.reason,
        },
        'inbound event handler gave up; event skipped',
      );
    },
  };
}

export interface InboundEventsConsumerOptions {
  kafka: RunConsumerOptions['kafka'];
  logger: Logger;
  groupId: string;
  topic: string;
  handlers: InboundEventHandlers;
  /** Default: retry with backoff, give up (log and skip) after 8 attempts or a non-retryable error. */
  policy?: FailurePolicy;
}

/**
 * Consumes the normalized inbound topic in the gateway's own group and dispatches each event by
 * kind. Handlers must be idempotent: delivery is at least once (events carry a stable eventId).
 */
export function startInboundEventsConsumer(
  options: InboundEventsConsumerOptions,
): Promise<BackgroundConsumer> {
  const logger = options.logger.child({ component: 'inbound-events' });
  return runBackgroundConsumer({
    kafka: options.kafka,
    logger,
    groupId: options.groupId,
    topics: [options.topic],
    handler: createInboundEventDispatcher({ handlers: options.handlers, logger }),
    policy: options.policy ?? DEFAULT_POLICY,
    deadLetter: logDeadLetters(logger),
  });
}
