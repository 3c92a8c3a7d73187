import type { OutgoingMessage, Producer } from '@omnistream/kafka';
import type { Logger } from '@omnistream/logger';
import { type EventPublisher, withTimeout } from './event-publisher.ts';
import type { IngestorMetrics } from './metrics.ts';
import { classifyPublishError } from './publish-error.ts';
import { CHUNK_BYTES, chunkRecords, recordBytes } from './record-chunks.ts';
import type {
  DeliveryOutcome,
  QuarantineVerdict,
  SpooledEvent,
  SpoolRepository,
  SpoolStats,
} from './spool.repository.ts';

export interface SpoolRelay {
  start(): void;
  /** Finishes the pass in progress (its rows are delivered and deleted, or left intact), then stops. */
  stop(): Promise<void>;
  /** Runs a pass soon instead of after the idle interval. */
  wake(): void;
  /** Passes until the spool is empty or delivery fails; returns rows delivered to Kafka. */
  drainNow(): Promise<number>;
  /**
   * The spool holds events and its oldest one has not left for `stuckAfterMs` (whichever instance
   * relays): Kafka is down or refuses something that is not classified as the event's fault.
   */
  readonly stuck: boolean;
  /** The spool as the last pass saw it. */
  readonly stats: SpoolStats;
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
  /** SPOOL_STUCK_AFTER_MS. */
  stuckAfterMs: number;
  batchSize?: number;
  /** Bytes of spooled values read per pass (at least one row): bounds the relay's memory. */
  batchBytes?: number;
  /** Bound on one delivery; on expiry the rows stay spooled (and may be sent twice, see README). */
  sendTimeoutMs?: number;
  clock?: () => number;
}

const toRecord = (r: SpooledEvent): OutgoingMessage => ({ key: r.key, value: r.value, headers: r.headers });

/**
 * Moves spooled events to Kafka in the order they were spooled, deleting only rows the broker
 * acknowledged (delivery and delete share one transaction). An event Kafka refuses for good (see
 * publish-error.ts) moves to the quarantine in that same transaction instead of blocking the head of
 * the spool; any other failure leaves the rows in place, in order, for the next pass. When the spool
 * is empty and Kafka answers, it tells the publisher to go direct again.
 */
export function createSpoolRelay(options: SpoolRelayOptions): SpoolRelay {
  const { spool, producer, publisher, logger, metrics, intervalMs, stuckAfterMs } = options;
  const batchSize = options.batchSize ?? 500;
  const batchBytes = options.batchBytes ?? 4 * CHUNK_BYTES;
  const sendTimeoutMs = options.sendTimeoutMs ?? 10_000;
  const clock = options.clock ?? Date.now;
  let running = false;
  let loop: Promise<void> | null = null;
  let wakeUp: (() => void) | null = null;
  let failing = false;
  let stats: SpoolStats = { depth: 0, head: null, oldestAgeSeconds: 0, quarantined: 0 };
  let progressAt = clock();

  const isStuck = () => stats.depth > 0 && clock() - progressAt >= stuckAfterMs;

  async function sendAlone(topic: string, row: SpooledEvent): Promise<QuarantineVerdict | null> {
    try {
      await withTimeout(producer.send(topic, [toRecord(row)]), sendTimeoutMs, 'Kafka did not acknowledge');
      return null;
    } catch (err) {
      const failure = classifyPublishError(err);
      if (failure.kind === 'transient') throw err;
      logger.error(
        { err, eventId: row.eventId, reason: failure.reason, code: failure.code },
        'Kafka refused a spooled event for good; quarantined (GET /admin/spool/quarantine)',
      );
      return failure;
    }
  }

  async function deliver(rows: SpooledEvent[]): Promise<DeliveryOutcome> {
    const quarantine = new Map<string, QuarantineVerdict>();
    const byTopic = new Map<string, SpooledEvent[]>();
    for (const r of rows) {
      const list = byTopic.get(r.topic);
      if (list) list.push(r);
      else byTopic.set(r.topic, [r]);
    }
    for (const [topic, list] of byTopic) {
      // Small sends, concurrently: the producer packs them into requests under its byte cap (one
      // send is never split, and a 500-event send would be one oversized request).
      const chunks = chunkRecords(list, recordBytes);
      const results = await withTimeout(
        Promise.allSettled(chunks.map((chunk) => producer.send(topic, chunk.map(toRecord)))),
        sendTimeoutMs,
        'Kafka did not acknowledge the spooled events',
      );
      const failed: SpooledEvent[][] = [];
      for (const [i, result] of results.entries()) {
        if (result.status === 'fulfilled') continue;
        // Broker down, leader moving, timeout: the whole batch stays, in order, for the next pass.
        if (classifyPublishError(result.reason).kind === 'transient') throw result.reason;
        failed.push(chunks[i] as SpooledEvent[]);
      }
      // A request Kafka refused for good holds at least one bad event among good ones (a refusal
      // fails every record of its request): one at a time tells which.
      for (const chunk of failed) {
        for (const row of chunk) {
          const verdict = await sendAlone(topic, row);
          if (verdict) quarantine.set(row.id, verdict);
        }
      }
    }
    return { quarantine };
  }

  async function drainNow(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const { rows, quarantined } = await spool.drain(batchSize, batchBytes, deliver);
      if (rows === 0) break;
      delivered += rows - quarantined.length;
      if (rows > quarantined.length) metrics.relayedEvents.inc(rows - quarantined.length);
      for (const q of quarantined) metrics.quarantinedEvents.inc({ reason: q.reason });
    }
    return delivered;
  }

  async function observe(): Promise<void> {
    try {
      const next = await spool.stats();
      if (next.depth === 0 || next.head !== stats.head) progressAt = clock();
      stats = next;
    } catch (err) {
      logger.debug({ err }, 'spool statistics unavailable');
    }
    metrics.spoolDepth.set(stats.depth);
    metrics.spoolOldestAge.set(stats.oldestAgeSeconds);
    metrics.quarantineDepth.set(stats.quarantined);
    metrics.relayStuck.set(isStuck() ? 1 : 0);
  }

  async function pass(): Promise<void> {
    try {
      const delivered = await drainNow();
      await observe();
      if (delivered > 0)
        logger.info({ delivered, remaining: stats.depth }, 'relayed spooled events to Kafka');
      if (stats.depth === 0 && !publisher.direct) {
        if (delivered === 0) await options.probe();
        publisher.markDirect();
      }
      if (failing) logger.info('spool relay recovered');
      failing = false;
    } catch (err) {
      if (!failing) logger.warn({ err }, 'spool relay pass failed; will retry');
      failing = true;
      await observe();
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
    get stuck() {
      return isStuck();
    },
    get stats() {
      return stats;
    },
  };
}
