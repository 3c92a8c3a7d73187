// Shared types and the docs/benchmarks.md section of `pnpm bench:kafka-clients`.
import { median } from './graph-report.ts';
import { fmt, table } from './ingest-report.ts';

export const KAFKA_CLIENTS_SECTION_TITLE = '## Kafka clients (pnpm bench:kafka-clients)';

/** The producer paths compared. */
export type ClientName =
  | 'kafkajs-gateway'
  | 'kafkajs-direct'
  | 'platformatic-direct'
  | 'platformatic-batched';
export const CLIENTS: readonly ClientName[] = [
  'kafkajs-gateway',
  'kafkajs-direct',
  'platformatic-direct',
  'platformatic-batched',
];
export const CLIENT_TITLES: Record<ClientName, string> = {
  'kafkajs-gateway': 'kafkajs 2.2.4 + gateway batcher (the ingestor today)',
  'kafkajs-direct': 'kafkajs 2.2.4, one `send()` per webhook',
  'platformatic-direct': '@platformatic/kafka, one `send()` per webhook',
  'platformatic-batched': '@platformatic/kafka + gateway batcher',
};

export type Shape = 'saturation' | 'fixed';

export interface RunSpec {
  client: ClientName;
  brokers: string[];
  topic: string;
  /** JSON file of BenchRecord[][]: one inner array per send (one webhook's events). */
  sendsFile: string;
  warmupS: number;
  durationS: number;
  /** Saturation: this many sends outstanding at all times. */
  concurrency?: number;
  /** Fixed rate: sends per second, whatever the acknowledgements do (open loop). */
  ratePerS?: number;
}

export interface BenchRecord {
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface RunResult {
  type: 'result';
  seconds: number;
  sends: number;
  records: number;
  bytes: number;
  errors: number;
  firstError: string | null;
  latencyMs: { p50: number; p99: number; max: number };
  /** User + system CPU of the client's process during the window, in µs. */
  cpuUs: number;
  /** Records acknowledged over the whole run (warm-up and drain included). */
  acked: number;
  /** Produce requests sent during the window. */
  requests: number;
}

export interface Run {
  client: ClientName;
  shape: Shape;
  round: number;
  result: RunResult;
  /** Broker CPU during the same window, µs (null: the broker was not started here). */
  brokerCpuUs: number | null;
  /** CPU of everything else on the machine during the window, % of one core. */
  otherCpuPercent: number;
  /** Records the topic holds after the run (sum of its partitions' high watermarks). */
  onBroker: number;
}

export interface Row {
  client: ClientName;
  recordsPerS: number;
  sendsPerS: number;
  recordsPerRequest: number;
  mbPerS: number;
  p50: number;
  p99: number;
  clientCpuPercent: number;
  clientUsPerRecord: number;
  brokerUsPerRecord: number | null;
  errors: number;
}

function rowOf(r: Run): Row {
  const x = r.result;
  const records = Math.max(1, x.records);
  return {
    client: r.client,
    recordsPerS: x.records / x.seconds,
    sendsPerS: x.sends / x.seconds,
    recordsPerRequest: x.records / Math.max(1, x.requests),
    mbPerS: x.bytes / x.seconds / 1e6,
    p50: x.latencyMs.p50,
    p99: x.latencyMs.p99,
    clientCpuPercent: (x.cpuUs / 1e6 / x.seconds) * 100,
    clientUsPerRecord: x.cpuUs / records,
    brokerUsPerRecord: r.brokerCpuUs === null ? null : r.brokerCpuUs / records,
    errors: x.errors,
  };
}

/** Median of each figure over the rounds of one client and shape (each figure on its own). */
export function medianRow(runs: readonly Run[], client: ClientName, shape: Shape): Row | null {
  const rows = runs.filter((r) => r.client === client && r.shape === shape).map(rowOf);
  if (rows.length === 0) return null;
  const m = (f: (r: Row) => number) => median(rows.map(f));
  const broker = rows.map((r) => r.brokerUsPerRecord).filter((v): v is number => v !== null);
  return {
    client,
    recordsPerS: m((r) => r.recordsPerS),
    sendsPerS: m((r) => r.sendsPerS),
    recordsPerRequest: m((r) => r.recordsPerRequest),
    mbPerS: m((r) => r.mbPerS),
    p50: m((r) => r.p50),
    p99: m((r) => r.p99),
    clientCpuPercent: m((r) => r.clientCpuPercent),
    clientUsPerRecord: m((r) => r.clientUsPerRecord),
    brokerUsPerRecord: broker.length === 0 ? null : median(broker),
    errors: rows.reduce((n, r) => n + r.errors, 0),
  };
}

const HEADER = [
  'producer path',
  'records/s',
  'sends/s',
  'records/request',
  'MB/s',
  'p50 ms',
  'p99 ms',
  'client CPU',
  'client CPU µs/record',
  'broker CPU µs/record',
  'errors',
];
const cells = (r: Row, title: string) => [
  title,
  fmt(r.recordsPerS),
  fmt(r.sendsPerS),
  fmt(r.recordsPerRequest, 1),
  fmt(r.mbPerS, 1),
  fmt(r.p50, 1),
  fmt(r.p99, 1),
  `${fmt(r.clientCpuPercent)} %`,
  fmt(r.clientUsPerRecord, 1),
  fmt(r.brokerUsPerRecord, 1),
  fmt(r.errors),
];

export function mediansTable(runs: readonly Run[], shape: Shape, clients: readonly ClientName[]): string {
  const rows = clients.flatMap((c) => {
    const row = medianRow(runs, c, shape);
    return row ? [cells(row, CLIENT_TITLES[c])] : [];
  });
  return table(HEADER, rows);
}

export function rawTable(runs: readonly Run[]): string {
  return table(
    ['round', 'shape', 'client', ...HEADER.slice(1), 'other CPU', 'on broker / acked'],
    runs.map((r) => [
      String(r.round),
      r.shape,
      r.client,
      ...cells(rowOf(r), '').slice(1),
      `${fmt(r.otherCpuPercent)} %`,
      `${fmt(r.onBroker)} / ${fmt(r.result.acked)}`,
    ]),
  );
}

/** A ratio as "1.23×"; '–' when either side is missing. */
const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  a && b ? `${fmt(a / b, 2)}×` : '–';

/** What the medians say, computed from them so a re-run cannot leave a stale sentence behind. */
export function reading(runs: readonly Run[]): string[] {
  const get = (c: ClientName, s: Shape) => medianRow(runs, c, s);
  const gw = get('kafkajs-gateway', 'saturation');
  const pb = get('platformatic-batched', 'saturation');
  const kd = get('kafkajs-direct', 'saturation');
  const pd = get('platformatic-direct', 'saturation');
  const gwF = get('kafkajs-gateway', 'fixed');
  const pbF = get('platformatic-batched', 'fixed');
  const lines: string[] = [];
  if (gw && pb) {
    lines.push(
      `- Behind the same batcher (the ingestor's path), @platformatic/kafka moved ${ratio(pb.recordsPerS, gw.recordsPerS)} the records/s of kafkajs at saturation ` +
        `(${fmt(pb.recordsPerS)} vs ${fmt(gw.recordsPerS)}) and spent ${ratio(pb.clientUsPerRecord, gw.clientUsPerRecord)} its client CPU per record ` +
        `(${fmt(pb.clientUsPerRecord, 1)} vs ${fmt(gw.clientUsPerRecord, 1)} µs).`,
    );
  }
  if (kd && pd) {
    lines.push(
      `- One Produce request per webhook (no batcher): @platformatic/kafka ${fmt(pd.recordsPerS)} records/s at ${fmt(pd.clientUsPerRecord, 1)} µs/record, ` +
        `kafkajs ${fmt(kd.recordsPerS)} records/s at ${fmt(kd.clientUsPerRecord, 1)} µs/record; ` +
        `broker ${fmt(pd.brokerUsPerRecord, 1)} vs ${fmt(kd.brokerUsPerRecord, 1)} µs/record (small requests cost the broker per request, whichever client sends them).`,
    );
  }
  if (gwF && pbF) {
    lines.push(
      `- At the fixed rate (${fmt(gwF.sendsPerS)} vs ${fmt(pbF.sendsPerS)} sends/s acknowledged) the client CPU per record was ${fmt(gwF.clientUsPerRecord, 1)} µs kafkajs vs ${fmt(pbF.clientUsPerRecord, 1)} µs platformatic, both batched; ` +
        `p50/p99 ${fmt(gwF.p50, 1)}/${fmt(gwF.p99, 1)} ms vs ${fmt(pbF.p50, 1)}/${fmt(pbF.p99, 1)} ms. At this rate most of that CPU is fixed per wake-up (timers, one small request at a time), not per record.`,
    );
  }
  const busy = (r: Row | null) =>
    r && r.brokerUsPerRecord !== null
      ? `client ${fmt(r.clientCpuPercent)} % + broker ${fmt((r.brokerUsPerRecord * r.recordsPerS) / 1e4)} % of 200 %`
      : null;
  if (gw && pb && busy(gw) && busy(pb)) {
    lines.push(
      `- CPU at saturation, kafkajs + batcher: ${busy(gw)}; platformatic + batcher: ${busy(pb)} ` +
        `(${fmt(gw.recordsPerRequest, 1)} vs ${fmt(pb.recordsPerRequest, 1)} records per Produce request). The broker, the client and the load loop share the 2 cores.`,
    );
  }
  lines.push(
    '- No client switch in this issue: these figures are an input for a later decision, which would also weigh what this benchmark does not measure ' +
      '(consumer path, retries and error handling on a moving leader, SASL/TLS, API maturity).',
  );
  return lines;
}

export interface ReportContext {
  date: string;
  machine: string;
  node: string;
  broker: string;
  versions: { kafkajs: string; platformatic: string };
  records: string;
  durationS: number;
  warmupS: number;
  rounds: number;
  concurrency: number;
  ratePerS: number;
  clients: readonly ClientName[];
  repeated: string[];
}

export function renderSection(ctx: ReportContext, runs: readonly Run[]): string {
  return [
    KAFKA_CLIENTS_SECTION_TITLE,
    '',
    `Run ${ctx.date} with \`pnpm bench:kafka-clients\` (BENCH_ROUNDS=${ctx.rounds} BENCH_DURATION_S=${ctx.durationS}); ` +
      'it compares the producer path of kafkajs (the client the services use) with @platformatic/kafka on the same broker. ' +
      'Medians of the rounds; clients interleaved in a rotating order.',
    '',
    '### Machine and setup',
    '',
    `- Machine: ${ctx.machine}; Node ${ctx.node}. The broker, the client and this script share its cores.`,
    `- Broker: ${ctx.broker}; one fresh topic of 6 partitions per run (like the inbound topic), deleted after it.`,
    `- Clients: kafkajs ${ctx.versions.kafkajs} (with the repository's patch) and @platformatic/kafka ${ctx.versions.platformatic}; ` +
      'acks=all, no compression, no idempotence, murmur2 key partitioning as the Java client does it ' +
      "(kafkajs `Partitioners.DefaultPartitioner`; platformatic's `compatibilityPartitioner`, since its default uses `>>> 0` instead of `& 0x7fffffff` " +
      'and would put some keys on other partitions). Request timeout 30 s for both.',
    '- "gateway batcher": packages/kafka/src/batcher.ts as `createProducer` uses it (concurrent sends coalesced, one request in flight, ≤ 500 records / 128 KiB). ' +
      'The ingestor gzips a request only when one webhook brought ≥ 64 KiB of events (none of these records); here nothing is compressed.',
    `- Records: the ingestor's own — ${ctx.records}`,
    `- Each client runs in its own Node process (plain \`node\`, no flags); "client CPU" is that process' user + system CPU over the window ` +
      "(process.cpuUsage), load loop included (the same for every client); broker CPU is the broker process' utime + stime from /proc over the same window.",
    `- Shapes: **saturation** — ${ctx.concurrency} sends outstanding at all times, each send one webhook's records; ` +
      `**fixed** — ${fmt(ctx.ratePerS)} sends/s open loop. ${ctx.warmupS} s warm-up, then ${ctx.durationS} s measured; a send counts when acknowledged inside the window. ` +
      'Latency: from the `send()` call to the acknowledgement.',
    `- Reproduce: \`pnpm bench:kafka-clients\` (knobs: BENCH_ROUNDS, BENCH_DURATION_S, BENCH_WARMUP_S, BENCH_CONCURRENCY, BENCH_RATE, ` +
      'BENCH_KAFKA_CLIENTS=comma list, BENCH_WRITE_DOCS=1; KAFKA_BROKERS to use an existing broker).',
    '',
    `### Saturation (${ctx.concurrency} sends in flight)`,
    '',
    mediansTable(runs, 'saturation', ctx.clients),
    '',
    `### Fixed rate (${fmt(ctx.ratePerS)} sends/s)`,
    '',
    mediansTable(runs, 'fixed', ctx.clients),
    '',
    '### Reading',
    '',
    ...reading(runs),
    ...(ctx.repeated.length > 0
      ? ['', `Repeated because other work took CPU meanwhile: ${ctx.repeated.join('; ')}.`]
      : []),
    '',
    '### Raw runs',
    '',
    rawTable(runs),
    '',
  ].join('\n');
}
