import type { Producer } from '@omnistream/kafka';
import type { Logger } from '@omnistream/logger';
import { type EventPublisher, withTimeout } from './event-publisher.ts';
import type { IngestorMetrics } from './metrics.ts';
import type { SpoolRepository } from './spool.repository.ts';

export interface SpoolRelay {
  start(): void;
  /** Finishes the pass in progress (its rows are delivered and deleted, or left intact), then stops. */
  stop(): Promise<void>;
  /** Runs a pass soon instead of after the idle interval. */
  wake(): void;
  /** One pass until the spool is empty or delivery fails; returns rows delivered. */
  drainNow(): Promise<number>;
}

export interface SpoolRelayOptions {
  spool: SpoolRepository;
  producer: Pick<Producer, 'send'>;
  publisher: Pick<EventPublisher, 'direct' | 'markDirect'>;
  /** Proves Kafka answers when there is nothing to drain (e.g. a metadata request). */
  probe: () => Promise<void>;
  logger: Logger;
  metrics: IngestorMetrics;
  intervalMs: number;
  batchSize?: number;
  /** Bound on one delivery; on expiry the rows stay spooled (and may be sent twice, see README). */
  sendTimeoutMs?: number;
}

/** Events per producer send while relaying: ~50 KB with Meta-sized events. */
const RELAY_CHUNK = 25;

/**
 * Moves spooled events to Kafka in the order they were spooled, deleting only rows the broker
 * acknowledged (delivery and delete share one transaction). When the spool is empty and Kafka
 * answers, it tells the publisher to go direct again.
 */
export function createSpoolRelay(options: SpoolRelayOptions): SpoolRelay {
  const { spool, producer, publisher, logger, metrics, intervalMs } = options;
  const batchSize = options.batchSize ?? 500;
  const sendTimeoutMs = options.sendTimeoutMs ?? 10_000;
  let running = false;
  let loop: Promise<void> | null = null;
  let wakeUp: (() => void) | null = null;
  let failing = false;

  async function drainNow(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await spool.drain(batchSize, async (rows) => {
        const byTopic = new Map<string, typeof rows>();
        for (const r of rows) {
          const list = byTopic.get(r.topic);
          if (list) list.push(r);
          else byTopic.set(r.topic, [r]);
        }
        for (const [topic, list] of byTopic) {
          // Small sends, concurrently: the producer packs them into requests under its byte cap
          // (one send is never split, and a 500-event send would be one oversized request).
          const sends: Promise<void>[] = [];
          for (let i = 0; i < list.length; i += RELAY_CHUNK) {
            const chunk = list.slice(i, i + RELAY_CHUNK);
            sends.push(
              producer.send(
                topic,
                chunk.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
              ),
            );
          }
          await withTimeout(
            Promise.all(sends),
            sendTimeoutMs,
            'Kafka did not acknowledge the spooled events',
          );
        }
      });
      total += n;
      if (n > 0) metrics.relayedEvents.inc(n);
      if (n < batchSize) break;
    }
    return total;
  }

  async function pass(): Promise<void> {
    try {
      const delivered = await drainNow();
      const depth = await spool.count();
      metrics.spoolDepth.set(depth);
      if (delivered > 0) logger.info({ delivered, remaining: depth }, 'relayed spooled events to Kafka');
      if (depth === 0 && !publisher.direct) {
        if (delivered === 0) await options.probe();
        publisher.markDirect();
      }
      if (failing) logger.info('spool relay recovered');
      failing = false;
    } catch (err) {
      if (!failing) logger.warn({ err }, 'spool relay pass failed; will retry');
      failing = true;
    }
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = (async () => {
        while (running) {
          await pass();
          if (running) await sleep(failing ? Math.min(intervalMs * 2, 5_000) : intervalMs);
          wakeUp = null;
        }
      })();
    },
    async stop() {
      running = false;
      wakeUp?.();
      await loop;
    },
    wake() {
      // While Kafka is failing the relay keeps its backoff; waking it per webhook would hammer it.
      if (!failing) wakeUp?.();
    },
    drainNow,
  };
}
