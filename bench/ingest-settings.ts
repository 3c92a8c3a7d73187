// Settings of the ingest benchmark: environment knobs and what the bundled broker allows.
import { envNumber } from './bench-run.ts';

// defaultTopics.inbound / defaultPartitions.inbound of @omnistream/kafka (not a root dependency);
// the ingestor gets the name through KAFKA_TOPIC_INBOUND, so the two cannot drift apart.
export const INBOUND_TOPIC = 'omnistream.inbound.v1';
export const INBOUND_PARTITIONS = 6;
export const KAFKA_TUNE_CONNECTIONS = [10, 25, 50, 100, 200];

/** BENCH_* variables, parsed once (docs/benchmarks.md lists them). */
export function settingsFrom(env: NodeJS.ProcessEnv) {
  const num = envNumber(env);
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
    /** (e)'s consumer fetch settings; Kafka's defaults answer a fetch at the first byte. */
    e2eFetch: {
      minBytes: num('BENCH_E2E_MIN_BYTES', 1),
      maxWaitTimeInMs: num('BENCH_E2E_MAX_WAIT_MS', 500),
    },
    // Enough to pace 1,000/s at up to 50 ms per request.
    fixedConnections: num('BENCH_RATE_CONNECTIONS', 50),
    requests: num('BENCH_REQUESTS', 40_000),
    /** One extra profiled run of (a) (`1` or `max`) or of (c) (`fixed`); null: none. */
    cpuProfile: cpuProfileOf(env.BENCH_CPU_PROF),
    quietWaitS: num('BENCH_QUIET_WAIT_S', 600),
    /** Extra Node flags for the ingestor (experiments, e.g. --max-semi-space-size=8); none by default. */
    ingestorNodeArgs: (env.BENCH_INGESTOR_NODE_ARGS ?? '').split(' ').filter(Boolean),
    /** Extra environment for the ingestor (experiments, e.g. `KAFKA_PRODUCER_LINGER_MS=2`), space-separated K=V. */
    ingestorEnv: keyValues(env.BENCH_INGESTOR_ENV),
    /** Another checkout whose ingestor runs as the baseline ("before"), interleaved with this one. */
    baselineDir: env.BENCH_BASELINE_DIR || null,
    /** Settings of the baseline ingestor (space-separated K=V), on top of the ingestor's. */
    baselineEnv: keyValues(env.BENCH_BASELINE_ENV),
    /** Extra Node flags for the baseline ingestor instead of BENCH_INGESTOR_NODE_ARGS. */
    baselineNodeArgs: env.BENCH_BASELINE_NODE_ARGS?.split(' ').filter(Boolean) ?? null,
    baseline: Boolean(env.BENCH_BASELINE_DIR || env.BENCH_BASELINE_ENV || env.BENCH_BASELINE_NODE_ARGS),
    // A smoke run must not overwrite the published numbers unless asked to.
    writeDocs: env.BENCH_WRITE_DOCS
      ? env.BENCH_WRITE_DOCS === '1'
      : durationS >= 20 && num('BENCH_ROUNDS', 3) >= 3,
  };
}

function cpuProfileOf(raw: string | undefined): 'max' | 'fixed' | null {
  if (raw === undefined || raw === '' || raw === '0') return null;
  if (raw === '1' || raw === 'max') return 'max';
  if (raw === 'fixed') return 'fixed';
  throw new Error(`BENCH_CPU_PROF must be 1, max or fixed, got ${raw}`);
}

/** `K=V K2=V2` → { K: 'V', K2: 'V2' }. */
function keyValues(raw: string | undefined): Record<string, string> {
  const pairs = (raw ?? '').split(' ').filter(Boolean);
  for (const kv of pairs) if (!kv.includes('=')) throw new Error(`expected K=V, got ${kv}`);
  return Object.fromEntries(pairs.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}
