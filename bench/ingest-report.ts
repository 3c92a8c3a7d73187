// Records, medians, targets and tables of the ingest benchmark (terminal and docs/benchmarks.md).
import type { ProfileSummary } from './cpu-profile.ts';
import type { E2eLatency } from './e2e-latency.ts';
import { median } from './graph-report.ts';
import type { LoadResult } from './load.ts';
import type { describeRequests } from './whatsapp-payloads.ts';

export type Scenario =
  | 'ingestor-max'
  | 'bare-ceiling'
  | 'ingestor-fixed'
  | 'bare-fixed'
  | 'ingestor-e2e'
  | 'baseline-max'
  | 'baseline-fixed';
export const BARE_SCENARIOS: readonly Scenario[] = ['bare-ceiling', 'bare-fixed'];
/** Runs of the baseline ingestor (BENCH_BASELINE_DIR / BENCH_BASELINE_ENV): "before" of a change. */
export const BASELINE_SCENARIOS: readonly Scenario[] = ['baseline-max', 'baseline-fixed'];

export const SCENARIO_TITLES: Record<Scenario, string> = {
  'ingestor-max': '(a) ingestor, max throughput',
  'bare-ceiling': '(b) bare Fastify ceiling',
  'ingestor-fixed': '(c) ingestor, fixed rate',
  'bare-fixed': '(d) bare Fastify, fixed rate (control)',
  'ingestor-e2e': '(e) ingestor, fixed rate, with a consumer (end to end)',
  'baseline-max': "(a') baseline ingestor, max throughput",
  'baseline-fixed': "(c') baseline ingestor, fixed rate",
};

/** What the ingestor's /metrics (and the broker) say happened during one run. */
export interface IngestCounts {
  /** Webhooks answered 200 after Kafka acknowledged their events (acks=all). */
  kafkaWebhooks: number;
  /** Webhooks answered 200 after their events went to the PostgreSQL spool instead. */
  spoolWebhooks: number;
  /** Webhooks with any other outcome (signature, invalid_json, unavailable, …). */
  otherWebhooks: number;
  events: number;
  spooledEvents: number;
  relayedEvents: number;
  /** Records the broker itself holds in the inbound topic (its offsets), or null if it could not tell. */
  brokerRecords: number | null;
}

export interface RunRecord {
  scenario: Scenario;
  round: number;
  load: LoadResult;
  maxRssMb: number;
  /** % of one core; `other` is the machine's CPU not used by the processes we know (another job, the kernel). */
  cpu: {
    server: number;
    broker: number | null;
    postgres: number;
    load: number;
    machine: number;
    other: number;
  };
  ingest: IngestCounts | null;
  /** The ingestor's own view (prom-client default metrics): GC time, and the largest heap during the run. */
  runtime: {
    gcPercent: number;
    heapMaxMb: { totalMb: number; usedMb: number; newSpaceMb: number; oldSpaceMb: number };
  } | null;
  /** Webhooks per second whose events Kafka acknowledged (spooled ones excluded). */
  verifiedPerSec: number | null;
  /** (e) only: from the signed POST leaving the load generator to its event reaching the consumer. */
  e2e?: E2eLatency | null;
}

export interface TuningStep {
  connections: number;
  reqPerSec: number;
  verifiedPerSec: number;
  p99: number;
  spoolWebhooks: number;
  /** The ingestor's RSS at the end of this step (it only grows: steps run from fewest connections up). */
  maxRssMb: number;
}

export interface BenchContext {
  date: string;
  machine: { nproc: number; cpuModel: string; memoryGb: number; kernel: string; node: string };
  broker: { kind: string; description: string; pid: number | undefined; notes: string[] };
  postgres: string;
  durationS: number;
  rounds: number;
  connections: number;
  connectionsSource: string;
  tuning: TuningStep[];
  fixedRate: number;
  fixedConnections: number;
  requestMix: ReturnType<typeof describeRequests>;
  ingestorEnv: Record<string, string>;
  /** The start command as package.json defines it (flags included). */
  ingestorCommand: string;
  ingestorWarnings: string[];
  /** Runs thrown away and repeated because other work shared the machine. */
  repeatedRuns: string[];
  /** RSS right after start-up, before any load. */
  idleRssMb: { ingestor: number; bare: number };
  ingestorNodeArgs: string[];
  /** RSS a bare `node` costs more when it runs a .ts file (Node's type stripping loads a WASM transformer). */
  typeStrippingRssMb: number | null;
  totals: IngestCounts & { brokerRecordsExpected: number | null };
  profile: ProfileSummary | null;
  /** What the baseline runs ((a'), (c')) ran, when there are any. */
  baseline?: string | null;
  /** Which run the profile is of. */
  profileScenario?: 'max' | 'fixed' | null;
}

export interface MedianRow {
  scenario: Scenario;
  reqPerSec: number;
  verifiedPerSec: number | null;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  spoolWebhooks: number | null;
  maxRssMb: number;
  serverCpu: number;
  brokerCpu: number | null;
  loadCpu: number;
  machineCpu: number;
}

export function medians(runs: readonly RunRecord[], scenario: Scenario): MedianRow {
  const of = runs.filter((r) => r.scenario === scenario);
  const m = (f: (r: RunRecord) => number) => median(of.map(f));
  const mNullable = (f: (r: RunRecord) => number | null) => {
    const values = of.map(f).filter((v): v is number => v !== null);
    return values.length === 0 ? null : median(values);
  };
  return {
    scenario,
    reqPerSec: m((r) => r.load.requestsPerSecMean),
    verifiedPerSec: mNullable((r) => r.verifiedPerSec),
    p50: m((r) => r.load.latencyMs.p50),
    p99: m((r) => r.load.latencyMs.p99),
    non2xx: m((r) => r.load.non2xx),
    errors: m((r) => r.load.errors + r.load.timeouts),
    spoolWebhooks: mNullable((r) => r.ingest?.spoolWebhooks ?? null),
    maxRssMb: m((r) => r.maxRssMb),
    serverCpu: m((r) => r.cpu.server),
    brokerCpu: mNullable((r) => r.cpu.broker),
    loadCpu: m((r) => r.cpu.load),
    machineCpu: m((r) => r.cpu.machine),
  };
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

/** µs of CPU per request (a webhook for the ingestor) in one run: CPU % of a core over the rate. */
export function cpuUsPerRequest(run: RunRecord): number | null {
  const rate = run.verifiedPerSec ?? run.load.requestsPerSecMean;
  return rate > 0 ? (run.cpu.server / 100 / rate) * 1e6 : null;
}

/** µs of broker CPU per record it wrote in one ingestor run. */
export function brokerUsPerRecord(run: RunRecord): number | null {
  const records = run.ingest?.brokerRecords ?? run.ingest?.events;
  if (run.cpu.broker === null || !records) return null;
  return (run.cpu.broker / 100 / (records / run.load.durationS)) * 1e6;
}

/**
 * Per round, the ingestor's CPU per verified webhook over the bare server's CPU per request in the
 * same round (both sides of the ratio from the same run of the machine); the median over rounds.
 */
export function cpuRatio(runs: readonly RunRecord[], ingestor: Scenario, bare: Scenario): number | null {
  const ratios: number[] = [];
  for (const run of runs.filter((r) => r.scenario === ingestor && r.round > 0)) {
    const control = runs.find((r) => r.scenario === bare && r.round === run.round);
    const a = cpuUsPerRequest(run);
    const b = control ? cpuUsPerRequest(control) : null;
    if (a !== null && b !== null && b > 0) ratios.push(a / b);
  }
  return ratios.length === 0 ? null : median(ratios);
}

export function checkTargets(runs: readonly RunRecord[], fixedRate: number): TargetCheck[] {
  const a = medians(runs, 'ingestor-max');
  const b = medians(runs, 'bare-ceiling');
  const c = medians(runs, 'ingestor-fixed');
  const d = runs.some((r) => r.scenario === 'bare-fixed') ? medians(runs, 'bare-fixed') : null;
  const verified = a.verifiedPerSec ?? 0;
  const share = b.reqPerSec > 0 ? verified / b.reqPerSec : 0;
  // The ingestor under test only: the bare server and the baseline ingestor are not it.
  const ingestorRss = Math.max(
    ...runs
      .filter((r) => !BARE_SCENARIOS.includes(r.scenario) && !BASELINE_SCENARIOS.includes(r.scenario))
      .map((r) => r.maxRssMb),
  );
  const achieved = c.reqPerSec;
  const perUs = (s: Scenario) =>
    median(runs.filter((r) => r.scenario === s).flatMap((r) => cpuUsPerRequest(r) ?? []));
  const fixedRatio = cpuRatio(runs, 'ingestor-fixed', 'bare-fixed');
  const maxRatio = cpuRatio(runs, 'ingestor-max', 'bare-ceiling');
  const e2eRuns = runs.flatMap((r) => (r.e2e ? [r.e2e] : []));
  const e2eP99 = e2eRuns.length > 0 ? median(e2eRuns.map((e) => e.p99Ms)) : null;
  const e2eMatched = e2eRuns.every((e) => e.matched >= e.expected * 0.99);
  const ratioText = (ratio: number | null, ing: Scenario, bare: Scenario) =>
    ratio === null
      ? 'not measured'
      : `${fmt(perUs(ing))} µs per webhook vs ${fmt(perUs(bare))} µs per bare request = ${fmt(ratio, 2)}× (median of the rounds' ratios)`;
  return [
    {
      target: `CPU per verified webhook ≤ 2.5× the bare-Fastify CPU per request, at a fixed ${fmt(fixedRate)}/s`,
      measured: ratioText(fixedRatio, 'ingestor-fixed', 'bare-fixed'),
      met: fixedRatio !== null && fixedRatio <= 2.5,
    },
    {
      target: 'CPU per verified webhook ≤ 2.5× the bare-Fastify CPU per request, at saturation',
      measured: ratioText(maxRatio, 'ingestor-max', 'bare-ceiling'),
      met: maxRatio !== null && maxRatio <= 2.5,
    },
    {
      target: '≥ 4,000 verified webhooks/s into the broker (acks=all) with p99 ≤ 100 ms',
      measured: `${fmt(verified)} webhooks/s acknowledged by Kafka at p99 ${fmt(a.p99)} ms (median of (a))`,
      met: verified >= 4_000 && a.p99 <= 100,
    },
    {
      target: 'throughput ≥ 40 % of the bare-Fastify ceiling',
      measured: `${fmt(verified)} / ${fmt(b.reqPerSec)} req/s = ${(share * 100).toFixed(1)} %`,
      met: share >= 0.4,
    },
    {
      target: `at a fixed ${fmt(fixedRate)} webhooks/s, p99 ≤ 25 ms`,
      measured:
        `p99 ${fmt(c.p99)} ms at ${fmt(achieved)} req/s achieved${c.spoolWebhooks ? `, ${fmt(c.spoolWebhooks)} spooled` : ''}` +
        (d ? ` (control, bare Fastify at the same rate: p99 ${fmt(d.p99)} ms)` : ''),
      met: c.p99 <= 25 && achieved >= fixedRate * 0.97 && !c.spoolWebhooks,
    },
    {
      target: `at a fixed ${fmt(fixedRate)} webhooks/s, end-to-end p99 ≤ 50 ms (signed POST sent → event at a consumer process)`,
      measured:
        e2eP99 === null
          ? 'not measured'
          : `p99 ${fmt(e2eP99, 1)} ms (median of ${e2eRuns.length} runs of (e); ` +
            `${fmt(e2eRuns.reduce((n, e) => n + e.matched, 0))} of ${fmt(e2eRuns.reduce((n, e) => n + e.expected, 0))} events seen by the consumer)`,
      met: e2eP99 !== null && e2eP99 <= 50 && e2eMatched,
    },
    {
      target: 'RSS ≤ 150 MB under load',
      measured: `max ${fmt(ingestorRss, 1)} MB over every ingestor run`,
      met: ingestorRss <= 150,
    },
  ];
}

/**
 * Baseline ("before") against the ingestor under test ("after"), per load shape, medians over the
 * rounds; the change column is the median of the rounds' after/before ratios (same round, same machine).
 */
export function beforeAfterTable(runs: readonly RunRecord[]): string | null {
  const pairs = [
    ['max throughput', 'baseline-max', 'ingestor-max'],
    ['fixed rate', 'baseline-fixed', 'ingestor-fixed'],
  ] as const;
  const rows: string[][] = [];
  for (const [shape, before, after] of pairs) {
    if (!runs.some((r) => r.scenario === before)) continue;
    const metrics: [string, (r: RunRecord) => number | null, number][] = [
      ['verified webhooks/s', (r) => r.verifiedPerSec, 0],
      ['p50 ms', (r) => r.load.latencyMs.p50, 1],
      ['p99 ms', (r) => r.load.latencyMs.p99, 1],
      ['ingestor µs CPU per webhook', cpuUsPerRequest, 0],
      ['broker µs CPU per record', brokerUsPerRecord, 1],
      ['max RSS MB', (r) => r.maxRssMb, 1],
    ];
    for (const [name, get, digits] of metrics) {
      const of = (s: Scenario) =>
        median(runs.filter((r) => r.scenario === s && r.round > 0).flatMap((r) => get(r) ?? []));
      const ratios: number[] = [];
      for (const r of runs.filter((x) => x.scenario === after && x.round > 0)) {
        const b = runs.find((x) => x.scenario === before && x.round === r.round);
        const va = get(r);
        const vb = b ? get(b) : null;
        if (va !== null && vb !== null && vb > 0) ratios.push(va / vb);
      }
      rows.push([
        shape,
        name,
        fmt(of(before), digits),
        fmt(of(after), digits),
        ratios.length > 0 ? `${fmt((median(ratios) - 1) * 100, 0)} %` : '–',
      ]);
    }
  }
  return rows.length === 0 ? null : table(['load', 'metric', 'before', 'after', 'change'], rows);
}

export function fmt(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export const pct = (n: number | null) => (n === null ? '–' : `${fmt(n)} %`);

export function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => ' --- ').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

export function mediansTable(runs: readonly RunRecord[]): string {
  const rows = (['ingestor-max', 'bare-ceiling', 'ingestor-fixed', 'bare-fixed', 'ingestor-e2e'] as const)
    .filter((s) => runs.some((r) => r.scenario === s))
    .map((s) => {
      const m = medians(runs, s);
      const of = runs.filter((r) => r.scenario === s);
      const cpuUs = median(of.flatMap((r) => cpuUsPerRequest(r) ?? []));
      const brokerUs = median(of.flatMap((r) => brokerUsPerRecord(r) ?? []));
      const e2e = of.flatMap((r) => (r.e2e ? [r.e2e] : []));
      return [
        SCENARIO_TITLES[s],
        fmt(m.reqPerSec),
        fmt(m.verifiedPerSec),
        fmt(m.p50, 1),
        fmt(m.p99, 1),
        fmt(m.non2xx),
        fmt(m.errors),
        fmt(m.spoolWebhooks),
        fmt(m.maxRssMb, 1),
        pct(m.serverCpu),
        pct(m.brokerCpu),
        pct(m.loadCpu),
        pct(m.machineCpu),
        fmt(cpuUs),
        fmt(brokerUs, 1),
        e2e.length > 0
          ? `${fmt(median(e2e.map((e) => e.p50Ms)), 1)} / ${fmt(median(e2e.map((e) => e.p99Ms)), 1)}`
          : '–',
      ];
    });
  return table(
    [
      'scenario',
      'req/s',
      'verified webhooks/s into Kafka',
      'p50 ms',
      'p99 ms',
      'non-2xx',
      'errors',
      'spooled webhooks',
      'max RSS MB',
      'server CPU',
      'broker CPU',
      'load-gen CPU',
      'machine CPU',
      'server µs CPU per request',
      'broker µs CPU per record',
      'end-to-end p50 / p99 ms',
    ],
    rows,
  );
}

export function rawTable(runs: readonly RunRecord[]): string {
  return table(
    [
      'round',
      'scenario',
      'req/s',
      'verified/s',
      'p50 ms',
      'p99 ms',
      'max ms',
      '2xx',
      'non-2xx',
      'errors',
      'Kafka webhooks',
      'spooled webhooks',
      'events',
      'broker records',
      'max RSS MB',
      'max heap MB (used / new / old)',
      'GC % of wall',
      'server CPU',
      'broker CPU',
      'PostgreSQL CPU',
      'load-gen CPU',
      'other CPU',
      'machine CPU',
      'server µs CPU per request',
      'end-to-end p50 / p99 / max ms (events seen)',
    ],
    runs.map((r) => [
      String(r.round),
      SCENARIO_TITLES[r.scenario],
      fmt(r.load.requestsPerSecMean),
      fmt(r.verifiedPerSec),
      fmt(r.load.latencyMs.p50, 1),
      fmt(r.load.latencyMs.p99, 1),
      fmt(r.load.latencyMs.max, 1),
      fmt(r.load.ok2xx),
      fmt(r.load.non2xx),
      fmt(r.load.errors + r.load.timeouts),
      fmt(r.ingest?.kafkaWebhooks),
      fmt(r.ingest?.spoolWebhooks),
      fmt(r.ingest?.events),
      fmt(r.ingest?.brokerRecords),
      fmt(r.maxRssMb, 1),
      r.runtime
        ? `${fmt(r.runtime.heapMaxMb.totalMb)} (${fmt(r.runtime.heapMaxMb.usedMb)} / ${fmt(r.runtime.heapMaxMb.newSpaceMb)} / ${fmt(r.runtime.heapMaxMb.oldSpaceMb)})`
        : '–',
      r.runtime ? `${fmt(r.runtime.gcPercent, 1)} %` : '–',
      pct(r.cpu.server),
      pct(r.cpu.broker),
      pct(r.cpu.postgres),
      pct(r.cpu.load),
      pct(r.cpu.other),
      pct(r.cpu.machine),
      fmt(cpuUsPerRequest(r)),
      r.e2e
        ? `${fmt(r.e2e.p50Ms, 1)} / ${fmt(r.e2e.p99Ms, 1)} / ${fmt(r.e2e.maxMs, 1)} (${fmt(r.e2e.matched)} of ${fmt(r.e2e.expected)})`
        : '–',
    ]),
  );
}
