// Records, medians, targets and tables of the ingest benchmark (terminal and docs/benchmarks.md).
import type { ProfileSummary } from './cpu-profile.ts';
import { median } from './graph-report.ts';
import type { LoadResult } from './load.ts';
import type { describeRequests } from './whatsapp-payloads.ts';

export type Scenario = 'ingestor-max' | 'bare-ceiling' | 'ingestor-fixed' | 'bare-fixed';
export const BARE_SCENARIOS: readonly Scenario[] = ['bare-ceiling', 'bare-fixed'];

export const SCENARIO_TITLES: Record<Scenario, string> = {
  'ingestor-max': '(a) ingestor, max throughput',
  'bare-ceiling': '(b) bare Fastify ceiling',
  'ingestor-fixed': '(c) ingestor, fixed rate',
  'bare-fixed': '(d) bare Fastify, fixed rate (control)',
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

export function checkTargets(runs: readonly RunRecord[], fixedRate: number): TargetCheck[] {
  const a = medians(runs, 'ingestor-max');
  const b = medians(runs, 'bare-ceiling');
  const c = medians(runs, 'ingestor-fixed');
  const d = runs.some((r) => r.scenario === 'bare-fixed') ? medians(runs, 'bare-fixed') : null;
  const verified = a.verifiedPerSec ?? 0;
  const share = b.reqPerSec > 0 ? verified / b.reqPerSec : 0;
  const ingestorRss = Math.max(
    ...runs.filter((r) => !BARE_SCENARIOS.includes(r.scenario)).map((r) => r.maxRssMb),
  );
  const achieved = c.reqPerSec;
  return [
    {
      target: '≥ 3,000 verified webhooks/s into the broker with p99 ≤ 100 ms',
      measured: `${fmt(verified)} webhooks/s acknowledged by Kafka at p99 ${fmt(a.p99)} ms (median of (a))`,
      met: verified >= 3_000 && a.p99 <= 100,
    },
    {
      target: 'throughput ≥ 40 % of the bare-Fastify ceiling',
      measured: `${fmt(verified)} / ${fmt(b.reqPerSec)} req/s = ${(share * 100).toFixed(1)} %`,
      met: share >= 0.4,
    },
    {
      target: 'RSS ≤ 150 MB under load',
      measured: `max ${fmt(ingestorRss)} MB over every ingestor run`,
      met: ingestorRss <= 150,
    },
    {
      target: `at a fixed ${fmt(fixedRate)} webhooks/s, p99 ≤ 25 ms`,
      measured:
        `p99 ${fmt(c.p99)} ms at ${fmt(achieved)} req/s achieved${c.spoolWebhooks ? `, ${fmt(c.spoolWebhooks)} spooled` : ''}` +
        (d ? ` (control, bare Fastify at the same rate: p99 ${fmt(d.p99)} ms)` : ''),
      met: c.p99 <= 25 && achieved >= fixedRate * 0.97 && !c.spoolWebhooks,
    },
  ];
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
  const rows = (['ingestor-max', 'bare-ceiling', 'ingestor-fixed', 'bare-fixed'] as const).map((s) => {
    const m = medians(runs, s);
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
    ]),
  );
}
