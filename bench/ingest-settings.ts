// Settings of the ingest benchmark: environment knobs and what the bundled broker allows.

// defaultTopics.inbound / defaultPartitions.inbound of @omnistream/kafka (not a root dependency);
// the ingestor gets the name through KAFKA_TOPIC_INBOUND, so the two cannot drift apart.
export const INBOUND_TOPIC = 'omnistream.inbound.v1';
export const INBOUND_PARTITIONS = 6;
/**
 * Connections tried with the bundled mokapi. Until mokapi's dashboard search index was turned off
 * (packages/testing/src/kafka-mokapi.ts), mokapi left produce requests of ~190 KiB or more
 * unanswered, which capped this list at 50; without the index it acknowledges 1 MiB requests.
 */
export const MOKAPI_SAFE_CONNECTIONS = [10, 25, 50, 100, 200];
/** What the report says about mokapi (measured separately on the 2-core benchmark machine, with kafkajs). */
export const MOKAPI_NOTES = [
  'mokapi runs with its dashboard, event store and search index turned off. The search index (bleve) was most of its ' +
    'CPU: producing 10,000 records of 400 bytes in batches of 250 took 4.35 s of mokapi CPU with it and 0.62 s ' +
    'without, and with it mokapi never answered a produce request of about 190 KiB or more (without it, 1 MiB is ' +
    'acknowledged in under 200 ms). Results measured before commit fef2ebd were bounded by it.',
  'mokapi acknowledges one produce request at a time per connection. The ingestor keeps one batch in flight ' +
    '(per-key order), so its Kafka throughput is bounded by that round trip as well as by the CPU the broker and the ' +
    'ingestor share on these two cores.',
  'mokapi 0.52 has exited on its own under load (a Go panic, in its search indexer). The benchmark checks the broker ' +
    'process after every run and stops rather than report spool throughput as Kafka throughput.',
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
    // Enough to pace 1,000/s at up to 50 ms per request.
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
