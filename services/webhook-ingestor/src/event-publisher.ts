import { type InboundEvent, inboundKey } from '@omnistream/events';
import type { Producer } from '@omnistream/kafka';
import type { Logger } from '@omnistream/logger';
import { AppError } from '@omnistream/service-kit';
import type { IngestorMetrics } from './metrics.ts';
import type { SpoolMessage, SpoolRepository } from './spool.repository.ts';

export type Destination = 'kafka' | 'spool';

export interface EventPublisher {
  /**
   * Resolves once every event is durable: acknowledged by Kafka (acks=all) or, failing that within
   * the timeout, committed to the PostgreSQL spool. Rejects with a 503 AppError only when neither
   * could take them, so Meta retries the webhook.
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
  spool: Pick<SpoolRepository, 'insert'>;
  topic: string;
  timeoutMs: number;
  logger: Logger;
  metrics: IngestorMetrics;
  /** Wakes the relay when events were spooled. */
  onSpooled?: () => void;
}

export function toSpoolMessage(event: InboundEvent): SpoolMessage {
  return {
    eventId: event.eventId,
    key: inboundKey(event),
    value: JSON.stringify(event),
    headers: {
      'event-id': event.eventId,
      'event-kind': event.kind,
      'schema-version': String(event.schemaVersion),
    },
  };
}

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
  const { producer, spool, topic, timeoutMs, logger, metrics } = options;
  // Direct publishing resumes only after the relay emptied the spool: a new event must not
  // overtake an older, spooled one of the same conversation.
  let direct = true;

  async function toSpool(messages: SpoolMessage[], started: number): Promise<Destination> {
    try {
      await spool.insert(topic, messages);
    } catch (err) {
      logger.error(
        { err, events: messages.length },
        'neither Kafka nor the spool accepted the events; answering 503',
      );
      throw new AppError('GW_UNAVAILABLE', 'events could not be stored; retry later', {
        status: 503,
        retryable: true,
        cause: err,
        headers: { 'retry-after': '5' },
      });
    }
    metrics.spooledEvents.inc(messages.length);
    metrics.publishDuration.observe({ destination: 'spool' }, (performance.now() - started) / 1000);
    options.onSpooled?.();
    return 'spool';
  }

  return {
    async publish(events) {
      if (events.length === 0) return 'kafka';
      const started = performance.now();
      const messages = events.map(toSpoolMessage);
      if (!direct) return toSpool(messages, started);
      try {
        await withTimeout(producer.send(topic, messages), timeoutMs);
        metrics.publishDuration.observe({ destination: 'kafka' }, (performance.now() - started) / 1000);
        return 'kafka';
      } catch (err) {
        if (direct)
          logger.warn({ err, timeoutMs }, 'Kafka did not acknowledge; spooling events until it is back');
        direct = false;
        // A timed-out send may still land later; the spool copy then duplicates it, which
        // consumers absorb because event ids are deterministic.
        return toSpool(messages, started);
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
