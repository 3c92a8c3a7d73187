// What the ingestor's /metrics (and the broker's own offsets) say happened, for the ingest benchmark.

import { topicRecordCount } from '@omnistream/testing/harness';
import type { IngestCounts } from './ingest-report.ts';
import { scrape, sumOf } from './prometheus-text.ts';

/** Cumulative counts now; a run's are the difference of two (diffCounts). */
export async function ingestCounts(
  metricsUrl: string,
  brokers: string[],
  topic: string,
): Promise<IngestCounts> {
  const s = await scrape(metricsUrl);
  const kafka = sumOf(s, 'omnistream_webhook_requests_total', { outcome: 'kafka' });
  const spool = sumOf(s, 'omnistream_webhook_requests_total', { outcome: 'spool' });
  return {
    kafkaWebhooks: kafka,
    spoolWebhooks: spool,
    otherWebhooks: sumOf(s, 'omnistream_webhook_requests_total') - kafka - spool,
    events: sumOf(s, 'omnistream_inbound_events_total'),
    spooledEvents: sumOf(s, 'omnistream_inbound_spooled_events_total'),
    relayedEvents: sumOf(s, 'omnistream_inbound_relayed_events_total'),
    brokerRecords: await topicRecordCount(brokers, topic).catch(() => null),
  };
}

export function diffCounts(after: IngestCounts, before: IngestCounts): IngestCounts {
  return {
    kafkaWebhooks: after.kafkaWebhooks - before.kafkaWebhooks,
    spoolWebhooks: after.spoolWebhooks - before.spoolWebhooks,
    otherWebhooks: after.otherWebhooks - before.otherWebhooks,
    events: after.events - before.events,
    spooledEvents: after.spooledEvents - before.spooledEvents,
    relayedEvents: after.relayedEvents - before.relayedEvents,
    brokerRecords:
      after.brokerRecords === null || before.brokerRecords === null
        ? null
        : after.brokerRecords - before.brokerRecords,
  };
}

/** Seconds the ingestor spent in GC so far (prom-client's default metrics). */
export async function gcSecondsOf(metricsUrl: string): Promise<number> {
  return sumOf(await scrape(metricsUrl), 'nodejs_gc_duration_seconds_sum');
}

/** Largest V8 heap the ingestor reports while a run lasts (prom-client's gauges, read every second). */
export function watchIngestorHeap(metricsUrl: string) {
  const max = { totalMb: 0, usedMb: 0, newSpaceMb: 0, oldSpaceMb: 0 };
  const mb = (n: number) => n / 1024 / 1024;
  const read = async () => {
    try {
      const s = await scrape(metricsUrl);
      max.totalMb = Math.max(max.totalMb, mb(sumOf(s, 'nodejs_heap_size_total_bytes')));
      max.usedMb = Math.max(max.usedMb, mb(sumOf(s, 'nodejs_heap_size_used_bytes')));
      max.newSpaceMb = Math.max(
        max.newSpaceMb,
        mb(sumOf(s, 'nodejs_heap_space_size_total_bytes', { space: 'new' })),
      );
      max.oldSpaceMb = Math.max(
        max.oldSpaceMb,
        mb(sumOf(s, 'nodejs_heap_space_size_total_bytes', { space: 'old' })),
      );
    } catch {
      // a scrape that times out under load is skipped
    }
  };
  const timer = setInterval(() => void read(), 1_000);
  // A run that fails before stop() must not keep the benchmark alive.
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await read();
      return max;
    },
  };
}
