// Settings of the ingest benchmark: environment knobs and what the bundled broker allows.

// defaultTopics.inbound / defaultPartitions.inbound of @omnistream/kafka (not a root dependency);
// the ingestor gets the name through KAFKA_TOPIC_INBOUND, so the two cannot drift apart.
export const INBOUND_TOPIC = 'omnistream.inbound.v1';
export const INBOUND_PARTITIONS = 6;
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
