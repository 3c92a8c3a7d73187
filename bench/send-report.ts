// Figures, targets and the markdown of `pnpm bench:send` (terminal and docs/benchmarks.md).
import type { ProfileSummary } from './cpu-profile.ts';
import { fmt, median } from './graph-report.ts';
import type { SimFaultRule, SimLimits } from './send-sim.ts';

export const SEND_SECTION_TITLE = '## Message sender (pnpm bench:send)';

export type ScenarioId = 'lifted' | 'paced' | 'faults';

export interface ScenarioSpec {
  id: ScenarioId;
  title: string;
  commands: number;
  recipients: number;
  /** RATE_* and MAX_CONCURRENT_CHATS of this scenario (the rest of the sender's env is shared). */
  senderEnv: Record<string, string>;
  simLimits: SimLimits;
  /** Fault rules; `seed` is replaced per run so the three runs draw different faults. */
  faults: SimFaultRule[];
  /** How the simulator is set up, in words, for the report. */
  simSummary: string;
}

export interface RunRecord {
  scenario: ScenarioId;
  /** 1…N; 0 is the extra run under --cpu-prof (not in the medians). */
  run: number;
  /**
   * Set when the run was repeated because other work shared the machine: left out of the medians,
   * but its correctness figures (DLQ, duplicates, 130429) still count.
   */
  discarded?: string;
  commands: number;
  /** Commands into the outbound topic before the sender started: broker write speed. */
  produce: { seconds: number; perSec: number };
  results: {
    records: number;
    uniqueCommands: number;
    sent: number;
    failed: number;
    /** Result records beyond one per command (a redelivered command publishes its result again). */
    extraResults: number;
    dlq: number;
    /** Up to 10 dead letters: command id, reason, attempts and each attempt's error code. */
    dlqDetails: string[];
    /** Most attempts any command needed, and how many needed more than one. */
    maxAttempts: number;
    retried: number;
  };
  /** From the first to the last result record (their CreateTime, stamped by the sender's producer). */
  windowSeconds: number;
  finishedPerSec: number;
  sim: {
    accepted: number;
    /** Markers (command ids) the simulator accepted more than once. */
    duplicateMarkers: number;
    /** WhatsApp send calls that reached the simulator (a latency-0 rule sees each). */
    calls: number | null;
    /** Calls answered with an injected fault. */
    faultHits: number;
    /** calls − accepted − faultHits: refused by the simulator's own checks (130429, 131056, …). */
    refusedBySim: number | null;
    /** Accepted sends per second between the 10th and 90th percentile of acceptance times. */
    steadySentPerSec: number | null;
    /** Most sends accepted within any 1,000 ms. */
    maxInAnySecond: number | null;
    /** Longest pause between two accepted sends. */
    longestGapMs: number | null;
    /** Accepted sends in each second from the first (raw JSON only). */
    perSecond: number[];
  };
  graph: { calls: number; p50Ms: number | null; p99Ms: number | null };
  sender: {
    throttlesAccount: number;
    throttlesRecipient: number;
    retries: Record<string, number>;
    deadLetters: number;
    outcomes: Record<string, number>;
    maxRssMb: number;
    /** V8 heap (total, used) and external memory when the last command finished. */
    heapAtEndMb: { total: number; used: number; external: number };
    /** Lines the sender logged at warn or above during the run. */
    warnings: number;
  };
  /** % of one core during the result window (200 % = both cores of a 2-core machine). */
  cpu: {
    sender: number;
    sim: number;
    broker: number | null;
    postgres: number;
    orchestrator: number;
    machine: number;
    other: number;
  } | null;
}

export interface SendBenchContext {
  date: string;
  quick: boolean;
  command: string;
  machine: { nproc: number; cpuModel: string; memoryGb: number; kernel: string; node: string };
  broker: { kind: string; description: string; pidKnown: boolean };
  /** Runs that lost their broker midway and were run again on a new one. */
  brokerIncidents?: string[];
  postgres: string;
  simLatencyMs: number;
  runs: number;
  scenarios: ScenarioSpec[];
  sharedSenderEnv: Record<string, string>;
  /** Defaults of the sender settings the benchmark leaves alone, read from the config schema. */
  senderDefaults?: Record<string, string>;
  /** The sender's source revision (git), since its pacing and defaults change over time. */
  senderRevision?: string;
  /** The start command as package.json defines it (flags included), plus any BENCH_SENDER_NODE_ARGS. */
  senderCommand: string;
  repeatedRuns: string[];
  warnings: string[];
  profile: {
    summary: ProfileSummary;
    finishedPerSec: number;
    /** CPU seconds the kernel counted for the sender over the same window (/proc). */
    procCpuSeconds: number | null;
  } | null;
  notes: string[];
}

export const LIFTED_TARGET_PER_SEC = 1_500;
export const RSS_TARGET_MB = 200;
export const PACED_RANGE: readonly [number, number] = [76, 80];

const dash = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined || !Number.isFinite(n) ? '–' : fmt(n, digits);
const pct = (n: number | null | undefined) => (n === null || n === undefined ? '–' : `${fmt(n)} %`);

/** The throughput that scenario is judged on: sends Meta accepted per second when paced, else commands finished per second. */
export function headlineRate(r: RunRecord): number {
  return r.scenario === 'paced' ? (r.sim.steadySentPerSec ?? 0) : r.finishedPerSec;
}

export interface MedianRow {
  scenario: ScenarioId;
  runs: number;
  headline: number;
  finishedPerSec: number;
  steadySentPerSec: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  maxRssMb: number;
  cpu: { sender: number; sim: number; broker: number | null; postgres: number; machine: number } | null;
}

export function medianRow(runs: readonly RunRecord[], scenario: ScenarioId): MedianRow | null {
  const of = runs.filter((r) => r.scenario === scenario && r.run > 0 && !r.discarded);
  if (of.length === 0) return null;
  const m = (f: (r: RunRecord) => number | null | undefined) => {
    const v = of.map(f).filter((x): x is number => x !== null && x !== undefined && Number.isFinite(x));
    return v.length === 0 ? null : median(v);
  };
  const withCpu = of.filter((r) => r.cpu !== null);
  return {
    scenario,
    runs: of.length,
    headline: m(headlineRate) ?? 0,
    finishedPerSec: m((r) => r.finishedPerSec) ?? 0,
    steadySentPerSec: m((r) => r.sim.steadySentPerSec),
    p50Ms: m((r) => r.graph.p50Ms),
    p99Ms: m((r) => r.graph.p99Ms),
    maxRssMb: m((r) => r.sender.maxRssMb) ?? 0,
    cpu:
      withCpu.length === 0
        ? null
        : {
            sender: m((r) => r.cpu?.sender) ?? 0,
            sim: m((r) => r.cpu?.sim) ?? 0,
            broker: m((r) => r.cpu?.broker),
            postgres: m((r) => r.cpu?.postgres) ?? 0,
            machine: m((r) => r.cpu?.machine) ?? 0,
          },
  };
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

export function checkTargets(runs: readonly RunRecord[], simLatencyMs: number): TargetCheck[] {
  const checks: TargetCheck[] = [];
  // Performance: the runs in the medians. Correctness (130429, DLQ, duplicates): every run.
  const measured = runs.filter((r) => r.run > 0 && !r.discarded);
  const lifted = medianRow(runs, 'lifted');
  if (lifted) {
    const liftedRuns = measured.filter((r) => r.scenario === 'lifted');
    const maxRss = Math.max(...liftedRuns.map((r) => r.sender.maxRssMb));
    checks.push({
      target: `limits lifted: ≥ ${fmt(LIFTED_TARGET_PER_SEC)} msg/s`,
      measured:
        `${fmt(lifted.finishedPerSec)} commands finished/s (median of ${lifted.runs}); Graph p99 ` +
        `${dash(lifted.p99Ms, 1)} ms, i.e. ${dash(lifted.p99Ms === null ? null : lifted.p99Ms - simLatencyMs, 1)} ms beyond the simulator's ${simLatencyMs} ms`,
      met: lifted.finishedPerSec >= LIFTED_TARGET_PER_SEC,
    });
    checks.push({
      target: `limits lifted: sender RSS ≤ ${RSS_TARGET_MB} MB`,
      measured: `max ${fmt(maxRss, 1)} MB over the runs (median of the runs' maxima ${fmt(lifted.maxRssMb, 1)} MB)`,
      met: maxRss <= RSS_TARGET_MB,
    });
  }
  const paced = medianRow(runs, 'paced');
  if (paced) {
    const pacedRuns = runs.filter((r) => r.scenario === 'paced');
    const throttles = pacedRuns.reduce((s, r) => s + r.sender.throttlesAccount, 0);
    const refused = pacedRuns.reduce((s, r) => s + (r.sim.refusedBySim ?? 0), 0);
    const rate = paced.steadySentPerSec ?? 0;
    checks.push({
      target: `80 msg/s per number: ${PACED_RANGE[0]}–${PACED_RANGE[1]} msg/s in the steady window`,
      measured: `${fmt(rate, 1)} sends/s accepted by the simulator (median of ${paced.runs})`,
      met: rate >= PACED_RANGE[0] && rate <= PACED_RANGE[1],
    });
    checks.push({
      target: '80 msg/s per number: zero 130429 from the simulator',
      measured: `${fmt(throttles)} 130429 answers seen by the sender (omnistream_sender_throttles_total{scope="account"}), ${fmt(refused)} calls refused by the simulator in all, over ${pacedRuns.length} runs`,
      met: throttles === 0,
    });
  }
  const faulted = runs.filter((r) => r.scenario === 'faults');
  if (faulted.length > 0) {
    const commands = faulted.reduce((s, r) => s + r.commands, 0);
    const sent = faulted.reduce((s, r) => s + r.results.sent, 0);
    const dlq = faulted.reduce((s, r) => s + r.results.dlq, 0);
    const dups = faulted.reduce((s, r) => s + r.sim.duplicateMarkers, 0);
    const hits = faulted.reduce((s, r) => s + r.sim.faultHits, 0);
    const details = faulted.flatMap((r) => r.results.dlqDetails ?? []);
    checks.push({
      target: '20 % retryable faults: 100 % eventually sent, DLQ empty',
      measured:
        `${fmt(sent)} of ${fmt(commands)} results \`sent\` over ${faulted.length} runs (discarded runs included), ${fmt(dlq)} dead-lettered; ${fmt(hits)} faults injected` +
        (details.length > 0 ? ` — ${details.map((d) => `\`${d}\``).join('; ')}` : ''),
      met: sent === commands && dlq === 0,
    });
    checks.push({
      target: '20 % retryable faults: zero duplicates in the ledger',
      measured: `${fmt(dups)} command ids accepted more than once`,
      met: dups === 0,
    });
  }
  return checks;
}

export function mediansTable(runs: readonly RunRecord[], ctx: SendBenchContext): string {
  const lines = [
    `| scenario | commands | runs | throughput (median) | commands finished/s | sim-accepted sends/s (steady) | Graph p50 ms | Graph p99 ms | p99 beyond ${ctx.simLatencyMs} ms | max RSS MB | sender CPU | meta-sim CPU | broker CPU | PostgreSQL CPU | machine CPU |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const spec of ctx.scenarios) {
    const row = medianRow(runs, spec.id);
    if (!row) continue;
    const unit = spec.id === 'paced' ? 'sends/s' : 'msg/s';
    lines.push(
      `| ${spec.title} | ${fmt(spec.commands)} | ${row.runs} | **${fmt(row.headline, spec.id === 'paced' ? 1 : 0)} ${unit}** | ${fmt(row.finishedPerSec, 1)} | ${dash(row.steadySentPerSec, 1)} | ${dash(row.p50Ms, 1)} | ${dash(row.p99Ms, 1)} | ${dash(row.p99Ms === null ? null : row.p99Ms - ctx.simLatencyMs, 1)} | ${fmt(row.maxRssMb, 1)} | ${pct(row.cpu?.sender)} | ${pct(row.cpu?.sim)} | ${pct(row.cpu?.broker)} | ${pct(row.cpu?.postgres)} | ${pct(row.cpu?.machine)} |`,
    );
  }
  return lines.join('\n');
}

const retriesText = (r: RunRecord) =>
  Object.entries(r.sender.retries)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${fmt(n)}`)
    .join(', ') || '0';

export function rawTable(runs: readonly RunRecord[], titles: Record<ScenarioId, string>): string {
  const lines = [
    '| scenario | run | commands | produced/s | results (sent / failed / extra) | DLQ | window s | finished/s | sim accepted | sim steady sends/s | max in any 1 s | longest pause ms | sim refused | faults injected | ledger duplicates | Graph calls | p50 ms | p99 ms | 130429 | 131056 | retries by category | max attempts | max RSS MB | warn+ log lines | sender CPU | meta-sim CPU | broker CPU | PostgreSQL CPU | bench CPU | other CPU | machine CPU |',
    `| ${Array.from({ length: 32 }, () => '---').join(' | ')} |`,
  ];
  for (const r of runs) {
    lines.push(
      `| ${titles[r.scenario]} | ${r.run === 0 ? 'profile' : r.run}${r.discarded ? ` (discarded: ${r.discarded})` : ''} | ${fmt(r.commands)} | ${fmt(r.produce.perSec)} | ${fmt(r.results.sent)} / ${fmt(r.results.failed)} / ${fmt(r.results.extraResults)} | ${fmt(r.results.dlq)} | ${fmt(r.windowSeconds, 1)} | ${fmt(r.finishedPerSec, 1)} | ${fmt(r.sim.accepted)} | ${dash(r.sim.steadySentPerSec, 1)} | ${dash(r.sim.maxInAnySecond)} | ${dash(r.sim.longestGapMs)} | ${dash(r.sim.refusedBySim)} | ${fmt(r.sim.faultHits)} | ${fmt(r.sim.duplicateMarkers)} | ${fmt(r.graph.calls)} | ${dash(r.graph.p50Ms, 1)} | ${dash(r.graph.p99Ms, 1)} | ${fmt(r.sender.throttlesAccount)} | ${fmt(r.sender.throttlesRecipient)} | ${retriesText(r)} | ${r.results.maxAttempts} | ${fmt(r.sender.maxRssMb, 1)} | ${r.sender.warnings} | ${pct(r.cpu?.sender)} | ${pct(r.cpu?.sim)} | ${pct(r.cpu?.broker)} | ${pct(r.cpu?.postgres)} | ${pct(r.cpu?.orchestrator)} | ${pct(r.cpu?.other)} | ${pct(r.cpu?.machine)} |`,
    );
  }
  return lines.join('\n');
}

/**
 * What bounds throughput, from the CPU each process used: per command for the scenario that runs
 * flat out; for the paced and faulted ones only how busy the machine was (their rate is set by the
 * pacing or the retry delays, and CPU per command there is mostly idle polling).
 */
export function limitsNotes(runs: readonly RunRecord[], ctx: SendBenchContext): string[] {
  const notes: string[] = [];
  const cores = ctx.machine.nproc;
  for (const spec of ctx.scenarios) {
    const row = medianRow(runs, spec.id);
    if (!row?.cpu) continue;
    const rate = row.finishedPerSec;
    const perCommand = (cpuPercent: number | null) =>
      cpuPercent === null || rate <= 0 ? '–' : `${fmt(((cpuPercent / 100) * 1e6) / rate)} µs`;
    if (spec.id !== 'lifted') {
      notes.push(
        `**${spec.title}**: machine ${fmt(row.cpu.machine)} % busy of ${cores * 100} % (sender ${fmt(row.cpu.sender)} %, ` +
          `broker ${pct(row.cpu.broker)}, PostgreSQL ${fmt(row.cpu.postgres)} %, meta-sim ${fmt(row.cpu.sim)} %): not CPU-bound; ` +
          (spec.id === 'paced'
            ? 'the rate is set by the pacing (see below).'
            : 'the rate is set by the retry delays (see below).'),
      );
      continue;
    }
    notes.push(
      `**${spec.title}**: machine ${fmt(row.cpu.machine)} % busy of ${cores * 100} % at ${fmt(rate)} commands/s — sender ` +
        `${fmt(row.cpu.sender)} % (${perCommand(row.cpu.sender)} of CPU per command), meta-sim ${fmt(row.cpu.sim)} % ` +
        `(${perCommand(row.cpu.sim)}), broker ${pct(row.cpu.broker)} (${perCommand(row.cpu.broker)}: the fetch of the ` +
        `command and the write of its result), PostgreSQL ${fmt(row.cpu.postgres)} % (${perCommand(row.cpu.postgres)}).`,
    );
  }
  return notes;
}

function profileLines(profile: NonNullable<SendBenchContext['profile']>): string[] {
  const { summary } = profile;
  const lines = [
    `CPU profile of the sender during one extra run of the first scenario (\`--cpu-prof\`, ${fmt(summary.busyMs / 1000, 1)} s busy of ` +
      `${fmt(summary.totalMs / 1000, 1)} s between the first and the last result, ${fmt(profile.finishedPerSec)} commands/s under the profiler). ` +
      ((profile.procCpuSeconds ?? null) === null
        ? ''
        : `The kernel counted ${dash(profile.procCpuSeconds, 1)} s of CPU for the sender over the same window: V8 samples wall time, so a sample inside a system call (\`writev\`) also counts time the thread waited for a core. `) +
      'Self time by package and the top functions:',
    '',
    '| package | self ms | % of busy |',
    '| --- | --- | --- |',
    ...summary.packages.slice(0, 12).map((p) => `| ${p.name} | ${fmt(p.ms)} | ${fmt(p.percent, 1)} % |`),
    '',
    '| function | where | self ms | % of busy |',
    '| --- | --- | --- | --- |',
    ...summary.functions
      .slice(0, 20)
      .map(
        (f) =>
          `| \`${f.name}\` | ${f.where ? `\`${f.where}\`` : ''} | ${fmt(f.ms)} | ${fmt(f.percent, 1)} % |`,
      ),
  ];
  return lines;
}

const envText = (env: Record<string, string>) =>
  Object.entries(env)
    .map(([k, v]) => `\`${k}=${v}\``)
    .join(', ');

export function renderSection(ctx: SendBenchContext, runs: readonly RunRecord[]): string {
  const titles = Object.fromEntries(ctx.scenarios.map((s) => [s.id, s.title])) as Record<ScenarioId, string>;
  const targets = checkTargets(runs, ctx.simLatencyMs);
  const out = [
    SEND_SECTION_TITLE,
    '',
    `The real \`message-sender\` (one worker, started as \`pnpm start:message-sender\` starts it: \`${ctx.senderCommand}\`) consumes send commands the ` +
      'benchmark produced beforehand, calls meta-sim (its own process, `packages/meta-sim/src/meta-sim-cli.ts`, ' +
      `${ctx.simLatencyMs} ms added to every Graph call, configured only over \`/_sim/*\`), records each send in ` +
      'PostgreSQL (`outbound_messages`) and publishes one result per command (acks=all).',
    '',
    `Reproduce: \`${ctx.command}\` (smoke run: \`BENCH_QUICK=1 pnpm bench:send\`).`,
    '',
    `Last run: ${ctx.date}.`,
    '',
    '### Machine and setup',
    '',
    `- ${ctx.machine.nproc} cores (\`nproc\`; ${ctx.machine.cpuModel}), ${fmt(ctx.machine.memoryGb, 1)} GB RAM, Linux ${ctx.machine.kernel}, Node ${ctx.machine.node}.`,
    `- Broker: **${ctx.broker.kind}** — ${ctx.broker.description}; a new one for every run. It runs on the same ${ctx.machine.nproc} cores as the sender, meta-sim, PostgreSQL and this script.`,
    `- PostgreSQL: ${ctx.postgres}; a fresh database per run cloned from the migrated template, holding that run's integration (token encrypted with the key in \`TOKEN_ENCRYPTION_KEYS\`).`,
    `- Sender env (every run): ${envText(ctx.sharedSenderEnv)}, plus \`DATABASE_URL\`, \`KAFKA_BROKERS\`, \`META_API_URL\` / \`INSTAGRAM_API_URL\` (the simulator), \`META_APP_SECRET\` (the simulator's, so every call carries \`appsecret_proof\`), \`TOKEN_ENCRYPTION_KEYS=k1:…\`, a free \`MESSAGE_SENDER_METRICS_PORT\`, per-run topics (\`KAFKA_TOPIC_OUTBOUND\`, \`…_RESULTS\`, \`…_DLQ\`) and \`SENDER_GROUP_ID\`; cwd an empty temp dir. Everything else at its default${ctx.senderDefaults ? ` (${envText(ctx.senderDefaults)})` : ''}.`,
    ...(ctx.senderRevision ? [`- Sender source: ${ctx.senderRevision}.`] : []),
    `- Each run: fresh topics (6 partitions), consumer group, database, simulator number/token and ledger (\`POST /_sim/reset\`); the commands (WhatsApp text, distinct commandIds) are produced first, then the sender starts. ${ctx.runs} run(s) per scenario; tables give the median.`,
    '- Throughput = commands finished / time from the first to the last result record (their CreateTime, stamped by the sender when it published the result), read back from the results topic after the run so reading does not load the broker meanwhile. "Sim-accepted sends/s (steady)" comes from the simulator\'s ledger (`GET /_sim/ledger`): accepted sends between the 10th and the 90th percentile of acceptance times; the 80 msg/s scenario is judged on it.',
    '- Graph latency: p50/p99 interpolated from the sender\'s `omnistream_sender_graph_request_duration_seconds` buckets (5, 10, 25, 50, 100 ms, …), so they are only as fine as those buckets. 130429 / 131056: the sender\'s `omnistream_sender_throttles_total{scope="account"|"recipient"}`; "sim refused" = calls that reached the simulator (counted by a latency-0 fault rule that matches every WhatsApp send) − accepted − injected faults.',
    "- CPU columns: % of one core during the result window (200 % = both cores); RSS: the sender's VmRSS sampled every 200 ms over its whole life.",
    '',
    '| scenario | commands / recipients | sender | simulator |',
    '| --- | --- | --- | --- |',
    ...ctx.scenarios.map(
      (s) =>
        `| ${s.title} | ${fmt(s.commands)} / ${fmt(s.recipients)} | ${envText(s.senderEnv)} | ${s.simSummary} |`,
    ),
    '',
    '### Results (medians)',
    '',
    mediansTable(runs, ctx),
    '',
    '### Targets',
    '',
    '| target | measured | met |',
    '| --- | --- | --- |',
    ...targets.map((t) => `| ${t.target} | ${t.measured} | ${t.met ? 'met' : '**not met**'} |`),
    '',
    '### What limits throughput',
    '',
    ...limitsNotes(runs, ctx).map((n) => `- ${n}`),
    ...ctx.notes.map((n) => `- ${n}`),
    ...(ctx.profile ? ['', ...profileLines(ctx.profile)] : []),
    '',
    '### Raw runs',
    '',
    rawTable(runs, titles),
    '',
  ];
  if ((ctx.brokerIncidents ?? []).length > 0) {
    out.push(
      `Run again because the broker disappeared midway: ${(ctx.brokerIncidents ?? []).join('; ')}.`,
      '',
    );
  }
  if (ctx.repeatedRuns.length > 0) {
    out.push(`Repeated because other work shared the machine: ${ctx.repeatedRuns.join('; ')}.`, '');
  }
  if (ctx.warnings.length > 0) {
    out.push(
      `The sender logged ${ctx.warnings.length} line(s) at warn or above; first: \`${ctx.warnings[0]?.slice(0, 300).replaceAll('|', '\\|')}\`.`,
      '',
    );
  }
  return out.join('\n');
}
