// Message-sender benchmark: `pnpm bench:send`. See the "Message sender" section of docs/benchmarks.md.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePorts, startKafkaBroker, startTestPostgres } from '@omnistream/testing/harness';
import { graphClientBlock, messageSenderBlock, postgresBlock } from '../packages/config/src/index.ts';
import { createLogger } from '../packages/logger/src/index.ts';
import { buildServices } from '../scripts/build-services.ts';
import { formatServiceCommand, serviceCommand } from '../scripts/service-command.ts';
import { watchProcessExit } from './broker-process.ts';
import { benchRun } from './children.ts';
import { summarizeCpuProfile } from './cpu-profile.ts';
import { fmt, writeDocsSection } from './graph-report.ts';
import { cpuSeconds, waitForQuietMachine } from './proc-stats.ts';
import { createKafka } from './send-kafka.ts';
import {
  checkTargets,
  headlineRate,
  mediansTable,
  type RunRecord,
  rawTable,
  renderSection,
  type ScenarioId,
  type ScenarioSpec,
  SEND_SECTION_TITLE,
  type SendBenchContext,
} from './send-report.ts';
import { type RunEnv, runScenario, runTopics } from './send-run.ts';
import { startSimProcess } from './send-sim.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const INBOUND_TOPIC = 'omnistream.inbound.v1';
const PARTITIONS = 6;
const SIM_LATENCY_MS = 10;
/** Machine CPU (% of one core) above which a run waits: our idle processes use a few %. */
const QUIET_CPU_PERCENT = 25;
/** CPU (% of one core) used by processes not ours during a run above which the run is repeated once. */
const OTHER_CPU_LIMIT = 30;
/** The sender's config refuses more (RATE_WHATSAPP_PER_NUMBER: max 10,000). */
const LIFTED_RATE = '10000';

function settingsFrom(env: NodeJS.ProcessEnv) {
  const quick = env.BENCH_QUICK === '1';
  const num = (name: string, full: number, smoke: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return quick ? smoke : full;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
    return n;
  };
  const scenarios = (env.BENCH_SCENARIOS ?? 'lifted,paced,faults')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean) as ScenarioId[];
  for (const s of scenarios) {
    if (!['lifted', 'paced', 'faults'].includes(s)) throw new Error(`BENCH_SCENARIOS: unknown scenario ${s}`);
  }
  const runs = num('BENCH_RUNS', 3, 1);
  const full =
    !quick && runs >= 3 && scenarios.length === 3 && !env.BENCH_SENDER_ENV && !env.BENCH_SENDER_NODE_ARGS;
  return {
    quick,
    runs,
    scenarios,
    liftedCommands: num('BENCH_LIFTED_COMMANDS', 20_000, 3_000),
    liftedRecipients: num('BENCH_LIFTED_RECIPIENTS', 2_000, 500),
    pacedCommands: num('BENCH_PACED_COMMANDS', 1_600, 400),
    pacedRecipients: num('BENCH_PACED_RECIPIENTS', 800, 200),
    faultCommands: num('BENCH_FAULT_COMMANDS', 5_000, 1_000),
    faultRecipients: num('BENCH_FAULT_RECIPIENTS', 1_000, 250),
    chats: num('BENCH_CHATS', 500, 500),
    /** The sender's RATE_WHATSAPP_PER_NUMBER in scenario 2 (80 = Meta's default limit; lower only to experiment). */
    pacedRate: num('BENCH_PACED_RATE', 80, 80),
    cpuProfile: env.BENCH_CPU_PROF ? env.BENCH_CPU_PROF === '1' : !quick && scenarios.includes('lifted'),
    quietWaitS: num('BENCH_QUIET_WAIT_S', 600, 30),
    /** Extra Node flags for the sender (experiments, e.g. `--max-semi-space-size=16`), after its own. */
    senderNodeArgs: (env.BENCH_SENDER_NODE_ARGS ?? '').split(' ').filter(Boolean),
    /** Extra sender env for experiments, e.g. `SENDER_MAX_BUFFERED=500,DATABASE_POOL_MAX=20`. */
    senderEnv: Object.fromEntries(
      (env.BENCH_SENDER_ENV ?? '')
        .split(',')
        .map((pair) => pair.trim())
        .filter(Boolean)
        .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
    ) as Record<string, string>,
    // A smoke or partial run must not overwrite the published numbers unless asked to.
    writeDocs: env.BENCH_WRITE_DOCS ? env.BENCH_WRITE_DOCS === '1' : full,
  };
}

function scenarioSpecs(s: ReturnType<typeof settingsFrom>): ScenarioSpec[] {
  const lifted = {
    RATE_WHATSAPP_PER_NUMBER: LIFTED_RATE,
    RATE_WHATSAPP_PAIR_INTERVAL_MS: '1',
    RATE_WHATSAPP_PAIR_BURST: '1000',
    MAX_CONCURRENT_CHATS: String(s.chats),
  };
  const sendMatch = { channel: 'whatsapp' as const, method: 'POST' };
  const all: ScenarioSpec[] = [
    {
      id: 'lifted',
      title: '1. limits lifted',
      commands: s.liftedCommands,
      recipients: s.liftedRecipients,
      senderEnv: lifted,
      simLimits: { whatsappPerSecond: null, whatsappPairBurst: null },
      faults: [],
      simSummary: 'per-number and pair limits lifted',
    },
    {
      id: 'paced',
      title: '2. 80 msg/s per number',
      commands: s.pacedCommands,
      recipients: s.pacedRecipients,
      senderEnv: { RATE_WHATSAPP_PER_NUMBER: String(s.pacedRate), MAX_CONCURRENT_CHATS: '500' },
      simLimits: { whatsappPerSecond: 80, whatsappPairIntervalMs: 6_000, whatsappPairBurst: 3 },
      faults: [],
      simSummary:
        '`whatsappPerSecond: 80` (exact sliding 1 s window, 130429 beyond), pair rate 1 per 6 s after a burst of 3 (131056)',
    },
    {
      id: 'faults',
      title: '3. 20 % retryable faults',
      commands: s.faultCommands,
      recipients: s.faultRecipients,
      senderEnv: lifted,
      simLimits: { whatsappPerSecond: null, whatsappPairBurst: null },
      faults: [
        { id: 'fault-131000', match: sendMatch, action: { type: 'error', code: 131000 }, probability: 0.1 },
        // Drawn only when the first rule did not fire: 1 − 0.9 × (1 − 1/9) = 0.2 of calls fail.
        {
          id: 'fault-503-code-2',
          match: sendMatch,
          action: { type: 'error', status: 503, code: 2 },
          probability: 1 / 9,
        },
      ],
      simSummary:
        'limits lifted; seeded fault rules answer 10 % of sends with 131000 and 10 % with HTTP 503 code 2 (both retryable): 20 % in all',
    },
  ];
  return all.filter((spec) => s.scenarios.includes(spec.id));
}

/**
 * Findings from the full runs of 2026-11-21 and the single-run experiments around them
 * (BENCH_SCENARIOS=lifted BENCH_RUNS=1 with BENCH_CHATS, BENCH_SENDER_ENV, BENCH_SENDER_NODE_ARGS), kept next to the figures.
 */
const NOTES: string[] = [
  'What held scenario 1 near 1,400 commands/s was not CPU but the Graph connection pool: throughput is at most ' +
    'GRAPH_CONNECTIONS / round trip, and with two busy cores a 10 ms simulator call took ~45 ms from the sender’s side, ' +
    'so 64 connections capped it at ~1,420/s while the sends queued in undici (Graph p50 150–200 ms). Single runs on the ' +
    'same code: 64 connections 1,383–1,455/s, 128 → 2,160/s, 256 → 2,264/s. GRAPH_CONNECTIONS now defaults to 256 ' +
    '(connections are opened only as needed).',
  'PostgreSQL: the send path’s writes are coalesced (packages/db/src/coalescer.ts): calls made while two statements of ' +
    'the same kind are in flight share the next one (unnested arrays, one commit), and a new command is claimed and ' +
    'marked sending in one statement, so a command costs two row writes instead of three. Each call still resolves only ' +
    'after its own row is committed, and a failing row fails only its own call. PostgreSQL CPU per command went from ' +
    '~0.45 ms to ~0.15–0.3 ms (it falls as batches grow). Forcing generic plans (plan_cache_mode) made it worse for the ' +
    'larger batches (1,249–1,405 vs 1,427–1,664/s in alternating runs), so plans stay PostgreSQL’s choice.',
  'Fewer conversations in flight make batches smaller: BENCH_CHATS=100 gave 729–990/s with PostgreSQL the busiest ' +
    'process (105 % CPU), 200 gave 1,189/s (both with 64 Graph connections).',
  'Sender memory: V8 sizes the young generation from the machine’s memory (up to 64 MB per semi-space here) and lets ' +
    'the old generation grow to 4× its live size between full collections (the trace showed 168 MB collected down to ' +
    '46 MB), which put the sender at 380–400 MB. The start script bounds both: `--max-semi-space-size=8` and ' +
    '`--heap-growing-percent=40` (182 MB at 1,956/s in a single run; 25 % gave 173 MB but cost throughput, 1,688/s; ' +
    'semi-space 16 with 50 % gave 195–205 MB). MALLOC_ARENA_MAX=2 keeps glibc from adding an arena per thread.',
  'Scenario 2 runs at the edge of the simulator’s limit, which counts arrivals in an exact sliding second (80 ' +
    'allowed), so its busiest second is 79–80 ("max in any 1 s"). The sender lets at most 76 calls (96 % of 80) leave in ' +
    'any 1000 ms of actual departures (services/message-sender/src/departure-window.ts). With 77 (97 %), calls held ' +
    'back by an event-loop stall in either process arrived bunched with later ones: 1 + 27 + 1 × 130429 in the full ' +
    'run before this one (the 27 in a run with a 689 ms stall while other work took 17 % of a core), 2 + 0 + 0 in a ' +
    'control run, 0 in the run before those; each refused call was retried after its Retry-After and sent. With 76: ' +
    '0 + 0 + 0 at 76.1–76.2/s in a paced-only run, then the figures above. The cost is ~1 msg/s of the 80.',
  'Before the earlier pacing fixes (7b39e94, d83d3a0), the same scenario gave 28 sends/s with 131 × 130429 over three ' +
    'runs. Three defects combined there. (1) The bucket allowed a burst of rate/10 on top of the rate. (2) The slot was ' +
    'booked before the `markSending` round trip. (3) `TokenBucket.penalize` added each throttle’s retry delay to the ' +
    'previous ones.',
  'Scenario 3 is slow because of the retry schedule’s tail (500 ms doubling with jitter, up to SENDER_MAX_ATTEMPTS=10), ' +
    'not because of load. With the previous default of 6 attempts, one command in 20,000 was dead-lettered: six faults ' +
    'in a row, P = 0.2⁶ ≈ 6.4·10⁻⁵ per command. There were no duplicates because the injected faults answer before the ' +
    'simulator accepts a send.',
  'Graph latency buckets are coarse. A p99 of ~47 ms is interpolated at the top of the 25–50 ms bucket (~25 ms at ' +
    '80/s: the top of the 10–25 ms bucket). The p50 of ~18 ms, 8 ms beyond the simulator’s 10 ms, is event-loop and ' +
    'scheduling delay on two busy cores.',
  'RATE_WHATSAPP_PER_NUMBER=100000 is refused by the sender’s config (at most 10,000), so "limits lifted" uses 10,000. ' +
    'This is far above anything reached here.',
  "Each run gets a broker of its own (a fresh data folder, so no run reads or compacts another run's records), and " +
    'a run whose broker dies is run once more on a new one.',
];

const settings = settingsFrom(process.env);
const log = (line: string) => console.log(`[bench] ${line}`);
const { workDir, cleanups, cleanup } = benchRun({
  prefix: 'omnistream-bench-send-',
  onSignalMessage: 'stopping the sender, meta-sim, the broker and PostgreSQL…',
});

async function main(): Promise<void> {
  const specs = scenarioSpecs(settings);
  const runId = `send_${Date.now().toString(36)}`;
  // The sender runs its bundle (`pnpm build`): built from this checkout's sources now.
  await buildServices();
  const postgres = await startTestPostgres(runId);
  cleanups.push(() => postgres.stop());
  log(`PostgreSQL: ${postgres.description}`);

  const appSecret = `bench-app-secret-${randomBytes(8).toString('hex')}`;
  const [simPort] = await freePorts(1);
  if (simPort === undefined) throw new Error('no free port for meta-sim');
  const simLog = join(tmpdir(), `omnistream-bench-${runId}-meta-sim.log`);
  const sim = await startSimProcess({
    root: ROOT,
    cwd: workDir,
    port: simPort,
    latencyMs: SIM_LATENCY_MS,
    appSecret,
    logFile: simLog,
  });
  log(`meta-sim pid ${sim.child.pid} at ${sim.url} (${SIM_LATENCY_MS} ms per Graph call)`);

  const logger = createLogger({ name: 'bench-send', level: 'warn' });
  const sharedSenderEnv = {
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    INTEGRATIONS_POLL_INTERVAL_MS: '1000',
    KAFKA_TOPIC_INBOUND: INBOUND_TOPIC,
    ...settings.senderEnv,
  };
  const senderLog = join(tmpdir(), `omnistream-bench-${runId}-sender.log`);
  const base: Omit<RunEnv, 'brokers' | 'kafka' | 'brokerPid'> = {
    root: ROOT,
    workDir,
    runId,
    logger,
    sim,
    simLatencyMs: SIM_LATENCY_MS,
    postgres,
    encryptionKey: randomBytes(32),
    appSecret,
    senderLog,
    sharedSenderEnv,
    senderNodeArgs: settings.senderNodeArgs,
    log,
  };

  let slot = 0;
  let brokerFacts: SendBenchContext['broker'] | null = null;
  const brokerIncidents: string[] = [];
  const runs: RunRecord[] = [];
  const repeated: string[] = [];
  const warnings: string[] = [];
  /**
   * One run on a broker of its own, so every run starts from the same empty broker and the runs
   * stay comparable. A run whose broker disappeared midway is run again once on a new one.
   */
  let currentBroker: { stop(): Promise<void> } | null = null;
  // Ctrl-C in the middle of a run stops that run's broker too.
  cleanups.push(async () => {
    await currentBroker?.stop();
  });
  const onBroker = async (spec: ScenarioSpec, run: number, cpuProfile: boolean) => {
    for (let attempt = 1; ; attempt++) {
      const runSlot = slot++;
      const broker = await startKafkaBroker({
        topics: [INBOUND_TOPIC, ...Object.values(runTopics(runId, runSlot))],
        partitions: PARTITIONS,
      });
      currentBroker = broker;
      const brokerPid = broker.pid;
      const brokerExit = brokerPid === undefined ? null : watchProcessExit(brokerPid);
      brokerFacts ??= {
        kind: broker.kind,
        description: broker.description.replace(/\(pid \d+, /, '('),
        pidKnown: brokerPid !== undefined,
      };
      if (runSlot === 0) log(`Kafka broker: ${broker.kind} — ${broker.description} (a new one per run)`);
      const env: RunEnv = {
        ...base,
        brokers: broker.brokers,
        kafka: createKafka({ brokers: broker.brokers, clientId: 'bench-send', logger }),
        brokerPid,
      };
      try {
        return await runScenario(env, spec, run, { slot: runSlot, cpuProfile });
      } catch (err) {
        const brokerGone = brokerPid !== undefined && cpuSeconds(brokerPid) === null;
        if (!brokerGone || attempt >= 2) throw err;
        const how = brokerExit?.exit()?.split('\n').slice(0, 3).join(' ') ?? 'how it ended is unknown';
        const what = `${spec.title} run ${run === 0 ? 'profile' : run}: the broker (pid ${brokerPid}) died midway (${how})`;
        brokerIncidents.push(what);
        log(`${what}; running it again on a new broker`);
      } finally {
        currentBroker = null;
        await broker.stop().catch((err) => log(`stopping the broker: ${(err as Error).message}`));
      }
    }
  };
  const once = async (spec: ScenarioSpec, run: number, cpuProfile = false) => {
    await waitForQuietMachine({ quietPercent: QUIET_CPU_PERCENT, maxWaitS: settings.quietWaitS, log });
    log(
      `${spec.title}, run ${run === 0 ? 'profile' : run}: ${fmt(spec.commands)} commands over ${fmt(spec.recipients)} recipients…`,
    );
    const out = await onBroker(spec, run, cpuProfile);
    warnings.push(...out.warnings);
    const r = out.record;
    log(
      `  ${fmt(r.results.sent)} sent, ${fmt(r.results.failed)} failed, DLQ ${r.results.dlq}; ${fmt(r.finishedPerSec, 1)} finished/s over ${fmt(r.windowSeconds, 1)} s; ` +
        `sim accepted ${fmt(r.sim.accepted)} (steady ${fmt(r.sim.steadySentPerSec ?? 0, 1)}/s, max ${r.sim.maxInAnySecond ?? '–'} in 1 s, refused ${r.sim.refusedBySim ?? '–'}, ` +
        `faults ${r.sim.faultHits}, duplicates ${r.sim.duplicateMarkers}); Graph p50 ${fmt(r.graph.p50Ms ?? 0, 1)} ms p99 ${fmt(r.graph.p99Ms ?? 0, 1)} ms; ` +
        `130429 ${r.sender.throttlesAccount}, 131056 ${r.sender.throttlesRecipient}; RSS ${fmt(r.sender.maxRssMb, 1)} MB; ` +
        `CPU sender ${fmt(r.cpu?.sender ?? 0)} % sim ${fmt(r.cpu?.sim ?? 0)} % broker ${fmt(r.cpu?.broker ?? 0)} % pg ${fmt(r.cpu?.postgres ?? 0)} % other ${fmt(r.cpu?.other ?? 0)} % machine ${fmt(r.cpu?.machine ?? 0)} %`,
    );
    for (const d of r.results.dlqDetails) log(`  dead letter: ${d}`);
    return out;
  };

  for (let run = 1; run <= settings.runs; run++) {
    for (const spec of specs) {
      let out = await once(spec, run);
      if ((out.record.cpu?.other ?? 0) > OTHER_CPU_LIMIT) {
        const why = `other work took ${fmt(out.record.cpu?.other ?? 0)} % CPU`;
        repeated.push(`${spec.title} run ${run} (${why})`);
        log(`${spec.title} run ${run}: ${why}; repeating it`);
        runs.push({ ...out.record, discarded: why });
        out = await once(spec, run);
      }
      runs.push(out.record);
    }
  }

  let profile: SendBenchContext['profile'] = null;
  const liftedSpec = specs.find((s) => s.id === 'lifted');
  if (settings.cpuProfile && liftedSpec) {
    log('CPU profile: one more run of scenario 1 with the sender under --cpu-prof…');
    const out = await once(liftedSpec, 0, true);
    runs.push(out.record);
    if (out.profile) {
      const keep = join(tmpdir(), `omnistream-bench-${runId}-sender.cpuprofile`);
      copyFileSync(out.profile.file, keep);
      let summary = summarizeCpuProfile(keep, 25, out.profile.windowUs);
      if (summary.totalMs === 0) summary = summarizeCpuProfile(keep, 25);
      const r = out.record;
      profile = {
        summary,
        finishedPerSec: r.finishedPerSec,
        procCpuSeconds: r.cpu === null ? null : (r.cpu.sender / 100) * r.windowSeconds,
      };
      log(`CPU profile kept at ${keep}`);
    }
  }

  const ctx: SendBenchContext = {
    date: new Date().toISOString(),
    quick: settings.quick,
    command: 'pnpm bench:send',
    machine: {
      nproc: availableParallelism(),
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
      memoryGb: totalmem() / 1024 ** 3,
      kernel: release(),
      node: process.version,
    },
    broker: brokerFacts ?? { kind: 'none', description: 'no run started', pidKnown: false },
    brokerIncidents,
    postgres: postgres.description,
    simLatencyMs: SIM_LATENCY_MS,
    runs: settings.runs,
    scenarios: specs,
    sharedSenderEnv,
    senderDefaults: senderDefaults(),
    senderRevision: senderRevision(),
    senderCommand: formatServiceCommand(serviceCommand('message-sender'), settings.senderNodeArgs),
    repeatedRuns: repeated,
    warnings,
    profile,
    notes: NOTES,
  };

  const titles = Object.fromEntries(specs.map((s) => [s.id, s.title])) as Record<ScenarioId, string>;
  console.log(`\n## Message sender benchmark — medians of ${settings.runs} run(s)\n`);
  console.log(mediansTable(runs, ctx));
  console.log('\n### Targets\n');
  for (const t of checkTargets(runs, SIM_LATENCY_MS))
    console.log(`- ${t.met ? 'met    ' : 'NOT MET'}  ${t.target}: ${t.measured}`);
  console.log('\n### Raw runs\n');
  console.log(rawTable(runs, titles));
  console.log(
    `\nheadline per run: ${runs.map((r) => `${r.scenario}#${r.run} ${fmt(headlineRate(r), 1)}`).join(', ')}`,
  );
  const rawFile = join(tmpdir(), `omnistream-bench-${runId}.json`);
  writeFileSync(rawFile, JSON.stringify({ ctx, runs }, null, 2));
  log(`raw results: ${rawFile}; sender log: ${senderLog}; meta-sim log: ${simLog}`);
  if (settings.writeDocs) {
    writeDocsSection(join(ROOT, 'docs/benchmarks.md'), renderSection(ctx, runs), SEND_SECTION_TITLE);
    log(`"${SEND_SECTION_TITLE}" written in docs/benchmarks.md`);
  } else {
    log('smoke or partial run: docs/benchmarks.md left alone (BENCH_WRITE_DOCS=1 writes it anyway)');
  }
}

/** The defaults the sender applies to what the benchmark leaves unset, from its config schema. */
function senderDefaults(): Record<string, string> {
  const d = (schema: { parse(v: unknown): unknown }) => String(schema.parse(undefined));
  return {
    SENDER_MAX_ATTEMPTS: d(messageSenderBlock.SENDER_MAX_ATTEMPTS),
    SENDER_RETRY_MIN_DELAY_MS: d(messageSenderBlock.SENDER_RETRY_MIN_DELAY_MS),
    SENDER_RETRY_MAX_DELAY_MS: d(messageSenderBlock.SENDER_RETRY_MAX_DELAY_MS),
    SENDER_MAX_BUFFERED: d(messageSenderBlock.SENDER_MAX_BUFFERED),
    GRAPH_CONNECTIONS: d(graphClientBlock.GRAPH_CONNECTIONS),
    DATABASE_POOL_MAX: d(postgresBlock.DATABASE_POOL_MAX),
  };
}

/** The last commit that touched the sender, and whether its files differ from it. */
function senderRevision(): string | undefined {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    const paths = ['services/message-sender', 'packages/config', 'packages/graph', 'packages/outbound'];
    const last = git('log', '-1', '--format=%h of %cs', '--', ...paths);
    const dirty = git('status', '--porcelain', '--', ...paths) !== '';
    return `as of commit ${last}${dirty ? ', with uncommitted changes' : ''}`;
  } catch {
    return undefined;
  }
}

/**
 * `node bench/send.ts --render=<raw results .json>`: writes the docs section again from a saved run
 * (e.g. after editing NOTES) without measuring anything.
 */
function renderSaved(file: string): void {
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { ctx: SendBenchContext; runs: RunRecord[] };
  const ctx = { ...saved.ctx, notes: NOTES };
  writeDocsSection(join(ROOT, 'docs/benchmarks.md'), renderSection(ctx, saved.runs), SEND_SECTION_TITLE);
  log(`"${SEND_SECTION_TITLE}" written in docs/benchmarks.md from ${file}`);
}

const renderFrom = process.argv.find((a) => a.startsWith('--render='))?.slice('--render='.length);
try {
  if (renderFrom) renderSaved(renderFrom);
  else await main();
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await cleanup();
}
