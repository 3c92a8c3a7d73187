// Settings of the ingest benchmark: environment knobs and what the bundled broker allows.

// defaultTopics.inbound / defaultPartitions.inbound of @omnistream/kafka (not a root dependency);
// the ingestor gets the name through KAFKA_TOPIC_INBOUND, so the two cannot drift apart.
export const INBOUND_TOPIC = 'omnistream.inbound.v1';
export const INBOUND_PARTITIONS = 6;
/**
 * mokapi 0.52 never answers a Produce request of roughly 190 KiB or more (measured with plain
 * kafkajs: 176 KiB is acknowledged in 43 ms, 190 KiB and up time out, even on a fresh broker). With
 * one in-flight batch the ingestor's batch holds up to one webhook per connection (1.5 events of
 * ~1.9 KB each here), so more than ~50 connections can build such a request: it times out, the
 * ingestor falls back to the spool, and its relay's 500-event batches then time out for good.
 */
export const MOKAPI_SAFE_CONNECTIONS = [10, 25, 50];
/** What the report says about mokapi (measured separately on the 2-core benchmark machine, with kafkajs). */
export const MOKAPI_NOTES = [
  'mokapi acknowledges one produce request at a time per connection and its cost grows with the records in it: one ' +
    'kafkajs producer sending acks=all batches of 1.3 KB records back to back reached about 1,000 records/s with batches ' +
    'of 5, 1,800 with 25 and 1,200 with 50 or 100 (mokapi at 60–100 % CPU). The ingestor keeps one batch in flight ' +
    '(per-key order), so its Kafka throughput is bounded by that round trip, not by its own CPU.',
  'mokapi 0.52 never answers a produce request of roughly 190 KiB or more (176 KiB: acknowledged in 43 ms; 190, 352 ' +
    'and 732 KiB: no answer, even on a fresh broker). That caps the connections here at 50: with 200 connections a ' +
    'batch of 258 events timed out, the ingestor fell back to the spool, and the relay’s 500-event batches then timed ' +
    'out for good, so it never returned to Kafka. A real broker accepts up to 1 MiB per partition batch by default.',
  'mokapi also exited on its own in 3 of about 15 benchmark runs during the session that wrote this benchmark (and ' +
    'once under a plain kafkajs producer, with a Go panic whose stack runs through mokapi/runtime/index.go); it did ' +
    'not reproduce on demand. The benchmark checks the broker process after every run and stops rather than report ' +
    'spool throughput as Kafka throughput.',
];
export const KAFKA_TUNE_CONNECTIONS = [10, 25, 50, 100, 200];

/** BENCH_* variables, parsed once (docs/benchmarks.md lists them). */
export function settingsFrom(env: NodeJS.ProcessEnv) {
  const num = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
    return n;
  };
  const durationS = num('BENCH_DURATION_S', 20);
  const tune = env.BENCH_TUNE_CONNECTIONS
    ? env.BENCH_TUNE_CONNECTIONS.split(',')
        .map(Number)
        .filter((n) => n > 0)
    : null;
  return {
    durationS,
    rounds: num('BENCH_ROUNDS', 3),
    /** Fixed connections for (a) and (b); unset: tuned over BENCH_TUNE_CONNECTIONS. */
    connections: env.BENCH_CONNECTIONS ? num('BENCH_CONNECTIONS', 50) : null,
    /** Unset: a list that suits the broker (see tuneList). */
    tuneConnections: tune,
    tuneDurationS: num('BENCH_TUNE_DURATION_S', Math.min(8, durationS)),
    warmupS: num('BENCH_WARMUP_S', Math.min(5, durationS)),
    fixedRate: num('BENCH_RATE', 1_000),
    // Enough to pace 1,000/s at up to 50 ms per request, and few enough that a backlog cannot build
    // a produce request beyond what mokapi answers (see MOKAPI_SAFE_CONNECTIONS).
    fixedConnections: num('BENCH_RATE_CONNECTIONS', 50),
    requests: num('BENCH_REQUESTS', 40_000),
    cpuProfile: env.BENCH_CPU_PROF === '1',
    quietWaitS: num('BENCH_QUIET_WAIT_S', 600),
    /** Extra Node flags for the ingestor (experiments, e.g. --max-semi-space-size=8); none by default. */
    ingestorNodeArgs: (env.BENCH_INGESTOR_NODE_ARGS ?? '').split(' ').filter(Boolean),
    // A smoke run must not overwrite the published numbers unless asked to.
    writeDocs: env.BENCH_WRITE_DOCS
      ? env.BENCH_WRITE_DOCS === '1'
      : durationS >= 20 && num('BENCH_ROUNDS', 3) >= 3,
  };
}
