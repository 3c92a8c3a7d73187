import { type InboundEvent, inboundKey } from '@omnistream/events';
import type { Producer } from '@omnistream/kafka';
import type { Logger } from '@omnistream/logger';
import { AppError } from '@omnistream/service-kit';
import type { IngestorMetrics } from './metrics.ts';
import { classifyPublishError, EventTooLargeError } from './publish-error.ts';
import { chunkRecords, recordBytes } from './record-chunks.ts';
import type { QuarantineVerdict, SpoolMessage, SpoolRepository } from './spool.repository.ts';

export type Destination = 'kafka' | 'spool' | 'quarantine';

export interface EventPublisher {
  /**
   * Resolves once every event is durable: acknowledged by Kafka (acks=all) or, failing that within
   * the timeout, committed to the PostgreSQL spool; an event above the hard size limit is committed
   * to the quarantine instead. Rejects with a 503 AppError only when neither could take them, so
   * Meta retries the webhook.
   */
  publish(events: readonly InboundEvent[]): Promise<Destination>;
  /** False while Kafka is failing or the spool holds older events: new events go to the spool. */
  readonly direct: boolean;
  /** Called by the relay: Kafka acknowledged and the spool is empty, publish directly again. */
  markDirect(): void;
  /** Send new events to the spool (at start-up when it holds older events or Kafka is down). */
  markSpooling(): void;
}

export interface EventPublisherOptions {
  producer: Pick<Producer, 'send'>;
  spool: Pick<SpoolRepository, 'insert' | 'quarantine'>;
  topic: string;
  timeoutMs: number;
  /** INBOUND_EVENT_MAX_BYTES: an event above it is quarantined without being offered to Kafka. */
  maxEventBytes: number;
  logger: Logger;
  metrics: IngestorMetrics;
  /** Wakes the relay when events were spooled. */
  onSpooled?: () => void;
}

/**
 * An event as Kafka stores it. The JSON goes to UTF-8 bytes at once: a JS string holding any
 * character past Latin-1 (an accent, an emoji) takes two bytes per character, so a 3 MB webhook's
 * events would otherwise sit in memory twice over until Kafka acknowledged them.
 */
export interface SerializedEvent {
  eventId: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
  /** recordBytes(): what the broker counts before compression. */
  bytes: number;
}

export function serializeEvent(event: InboundEvent): SerializedEvent {
  const serialized = {
    eventId: event.eventId,
    key: inboundKey(event),
    value: Buffer.from(JSON.stringify(event)),
    headers: {
      'event-id': event.eventId,
      'event-kind': event.kind,
      'schema-version': String(event.schemaVersion),
    },
    bytes: 0,
  };
  serialized.bytes = recordBytes(serialized);
  return serialized;
}

/** The spool stores text: only events that go there are decoded back. */
const toSpoolMessage = (e: SerializedEvent): SpoolMessage => ({
  eventId: e.eventId,
  key: e.key,
  value: e.value.toString('utf8'),
  headers: e.headers,
});

const toRecord = (e: SerializedEvent) => ({ key: e.key, value: e.value, headers: e.headers });

class PublishTimeoutError extends Error {
  override name = 'PublishTimeoutError';
}

export function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  what = 'Kafka did not acknowledge',
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PublishTimeoutError(`${what} within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export function createEventPublisher(options: EventPublisherOptions): EventPublisher {
  const { producer, spool, topic, timeoutMs, maxEventBytes, logger, metrics } = options;
  // Direct publishing resumes only after the relay emptied the spool: a new event must not
  // overtake an older, spooled one of the same conversation.
  let direct = true;

  function unavailable(err: unknown, events: number, what: string): AppError {
    logger.error({ err, events }, `${what}; answering 503`);
    return new AppError('GW_UNAVAILABLE', 'events could not be stored; retry later', {
      status: 503,
      retryable: true,
      cause: err,
      headers: { 'retry-after': '5' },
    });
  }

  async function toSpool(events: SerializedEvent[], started: number): Promise<Destination> {
    const messages = events.map(toSpoolMessage);
    try {
      await spool.insert(topic, messages);
    } catch (err) {
      throw unavailable(err, messages.length, 'neither Kafka nor the spool accepted the events');
    }
    metrics.spooledEvents.inc(messages.length);
    metrics.publishDuration.observe({ destination: 'spool' }, (performance.now() - started) / 1000);
    options.onSpooled?.();
    return 'spool';
  }

  async function toQuarantine(tooLarge: SerializedEvent[]): Promise<void> {
    const entries = tooLarge.map((e) => ({
      message: toSpoolMessage(e),
      verdict: classifyPublishError(new EventTooLargeError(e.bytes, maxEventBytes)) as QuarantineVerdict,
    }));
    try {
      await spool.quarantine(topic, entries);
    } catch (err) {
      throw unavailable(err, entries.length, 'the quarantine did not accept events above the size limit');
    }
    metrics.quarantinedEvents.inc({ reason: 'too_large' }, entries.length);
    logger.warn(
      { events: tooLarge.map((e) => ({ eventId: e.eventId, bytes: e.bytes })), maxEventBytes },
      'events above INBOUND_EVENT_MAX_BYTES quarantined',
    );
  }

  return {
    async publish(events) {
      if (events.length === 0) return 'kafka';
      const started = performance.now();
      const serialized = events.map(serializeEvent);
      const fits = serialized.filter((e) => e.bytes <= maxEventBytes);
      if (fits.length < serialized.length)
        await toQuarantine(serialized.filter((e) => e.bytes > maxEventBytes));
      if (fits.length === 0) return 'quarantine';
      if (!direct) return toSpool(fits, started);
      try {
        // In order; the producer keeps same-key records in send order (one request in flight).
        const sends = chunkRecords(fits, (e) => e.bytes).map((chunk) =>
          producer.send(topic, chunk.map(toRecord)),
        );
        await withTimeout(Promise.all(sends), timeoutMs);
        metrics.publishDuration.observe({ destination: 'kafka' }, (performance.now() - started) / 1000);
        return 'kafka';
      } catch (err) {
        // An event Kafka refuses for good goes to the spool with its webhook all the same: the relay
        // quarantines it there and delivers the others in order (spool-relay.ts).
        const refused = classifyPublishError(err).kind === 'quarantine';
        if (direct)
          logger.warn(
            { err, timeoutMs },
            refused
              ? 'Kafka refused an event of this webhook for good; spooling it for the relay to quarantine'
              : 'Kafka did not acknowledge; spooling events until it is back',
          );
        direct = false;
        // A timed-out send may still land later; the spool copy then duplicates it, which
        // consumers absorb because event ids are deterministic.
        return toSpool(fits, started);
      }
    },
    get direct() {
      return direct;
    },
    markDirect() {
      if (!direct) logger.info('Kafka is back and the spool is empty; publishing directly again');
      direct = true;
    },
    markSpooling() {
      direct = false;
    },
  };
}
