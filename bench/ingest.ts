// Ingest benchmark: `pnpm bench:ingest`. See docs/benchmarks.md for what it measures and the knobs.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { databaseUrl, freePorts, startKafkaBroker, startTestPostgres } from '@omnistream/testing/harness';
import { buildServices } from '../scripts/build-services.ts';
import { formatServiceCommand, serviceCommand } from '../scripts/service-command.ts';
import { runMain, saveResults } from './bench-run.ts';
import { watchProcessExit } from './broker-process.ts';
import { benchRun, type Child, spawnNode, stopChild, waitForHttp } from './children.ts';
import { summarizeCpuProfile } from './cpu-profile.ts';
import { startE2eConsumer } from './e2e-run.ts';
import { renderSection, SECTION_TITLE } from './ingest-docs.ts';
import { runLoadProcess, startBareFastify, typeStrippingCost } from './ingest-processes.ts';
import {
  BARE_SCENARIOS,
  BASELINE_SCENARIOS,
  type BenchContext,
  beforeAfterTable,
  checkTargets,
  fmt,
  type IngestCounts,
  mediansTable,
  type RunRecord,
  rawTable,
  SCENARIO_TITLES,
  type Scenario,
  type TuningStep,
} from './ingest-report.ts';
import {
  INBOUND_PARTITIONS,
  INBOUND_TOPIC,
  KAFKA_TUNE_CONNECTIONS,
  settingsFrom,
} from './ingest-settings.ts';
import { diffCounts, gcSecondsOf, ingestCounts, watchIngestorHeap } from './ingestor-metrics.ts';
import type { LoadOptions } from './load.ts';
import { cpuSeconds, pidsNamed, rssBytes, startSampler, waitForQuietMachine } from './proc-stats.ts';
import { buildWhatsAppRequests, describeRequests } from './whatsapp-payloads.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const APP_SECRET = `bench-app-secret-${randomBytes(8).toString('hex')}`;
const settings = settingsFrom(process.env);
/** Machine CPU (% of one core) above which a run waits: our idle processes use a few %. */
const QUIET_CPU_PERCENT = 25;
/** CPU (% of one core) used by processes not ours during a run above which the run is repeated. */
const OTHER_CPU_LIMIT = 25;
const { workDir, cleanups, cleanup, interrupted } = benchRun({
  prefix: 'omnistream-bench-',
  onSignalMessage: 'stopping the ingestor, the ceiling server, the broker and PostgreSQL…',
});

const log = (line: string) => console.log(`[bench] ${line}`);

async function main(): Promise<void> {
  const runId = `bench_${Date.now().toString(36)}`;
  // The ingestor runs its bundle (`pnpm build`): built from this checkout's sources now.
  await buildServices();
  // Both start at once; whichever started is stopped on exit even if the other failed.
  const [pgStart, brokerStart] = await Promise.allSettled([
    startTestPostgres(runId),
    startKafkaBroker({ topics: [INBOUND_TOPIC], partitions: INBOUND_PARTITIONS }),
  ]);
  if (pgStart.status === 'fulfilled') cleanups.push(() => pgStart.value.stop());
  if (brokerStart.status === 'fulfilled') cleanups.push(() => brokerStart.value.stop());
  if (pgStart.status === 'rejected') throw pgStart.reason;
  if (brokerStart.status === 'rejected') throw brokerStart.reason;
  const postgres = pgStart.value;
  const broker = brokerStart.value;
  log(`PostgreSQL: ${postgres.description}`);
  log(`Kafka broker: ${broker.kind} — ${broker.description}`);
  // The broker's pid when the harness started it here (the jars): its CPU is reported beside ours.
  const brokerPid = broker.pid;
  log(`broker pid: ${brokerPid ?? 'not started here (its CPU will not be reported)'}`);
  const brokerExit = brokerPid === undefined ? null : watchProcessExit(brokerPid);

  const requests = buildWhatsAppRequests({ count: settings.requests, appSecret: APP_SECRET });
  const requestMix = describeRequests(requests);
  const requestsFile = join(workDir, 'requests.json');
  const requestBodies = requests.map((r) => r.body);
  writeFileSync(
    requestsFile,
    JSON.stringify(requests.map(({ method, path, headers, body }) => ({ method, path, headers, body }))),
  );
  log(
    `requests: ${requestMix.count} signed webhooks, ${requestMix.minBytes}–${requestMix.maxBytes} B (median ${requestMix.medianBytes}), ` +
      `${requestMix.eventsPerRequest.toFixed(2)} events each, ${JSON.stringify(requestMix.byKind)}`,
  );

  const [ingestorPort, barePort, baselinePort] = await freePorts(3);
  if (ingestorPort === undefined || barePort === undefined || baselinePort === undefined)
    throw new Error('no free ports');
  const ingestorEnv = {
    KAFKA_BROKERS: broker.brokers.join(','),
    KAFKA_TOPIC_INBOUND: INBOUND_TOPIC,
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...settings.ingestorEnv,
  };
  const ingestors: Child[] = [];
  const readyzUrlOf = (port: number) => `http://127.0.0.1:${port}/readyz`;
  // /readyz is 200 when Kafka OR the spool can take events; the benchmark wants Kafka.
  const publishesToKafka = (status: number, body: string) =>
    status === 200 && (JSON.parse(body) as { checks?: { kafka?: boolean } }).checks?.kafka === true;
  const ingestorLog = join(tmpdir(), `omnistream-bench-ingest-${runId}.log`);
  /**
   * Starts the ingestor under test, or the baseline it is compared with (BENCH_BASELINE_DIR: another
   * checkout, e.g. the commit before a change; BENCH_BASELINE_ENV: other settings).
   */
  const startIngestor = async (
    extraArgs: string[] = [],
    variant: 'current' | 'baseline' = 'current',
  ): Promise<Child> => {
    const baseline = variant === 'baseline';
    const root = baseline ? (settings.baselineDir ?? ROOT) : ROOT;
    const port = baseline ? baselinePort : ingestorPort;
    // An empty working directory: no .env is read, only what is passed here.
    const cwd = mkdtempSync(join(workDir, 'ingestor-cwd-'));
    // Started as `pnpm start:webhook-ingestor` starts it (its Node flags and environment).
    const command = serviceCommand('webhook-ingestor', root);
    const child = spawnNode({
      name: baseline ? 'webhook-ingestor (baseline)' : 'webhook-ingestor',
      args: [
        ...command.nodeArgs,
        ...((baseline ? settings.baselineNodeArgs : null) ?? settings.ingestorNodeArgs),
        ...extraArgs,
        join(root, command.entry),
      ],
      cwd,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        ...command.env,
        ...ingestorEnv,
        ...(baseline ? settings.baselineEnv : {}),
        WEBHOOK_INGESTOR_PORT: String(port),
        DATABASE_URL: databaseUrl(postgres.adminUrl, postgres.templateDatabase),
        META_APP_SECRET: APP_SECRET,
        META_VERIFY_TOKEN: `bench-verify-${randomBytes(6).toString('hex')}`,
        TOKEN_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      },
      logFile: ingestorLog,
      countPattern: /"level":(40|50|60)\b/,
    });
    ingestors.push(child);
    await waitForHttp(readyzUrlOf(port), child, {
      accept: publishesToKafka,
      timeoutMs: 60_000,
      what: 'readiness with Kafka',
    });
    return child;
  };
  let ingestor = await startIngestor();
  const baseline = settings.baseline ? await startIngestor([], 'baseline') : null;
  if (baseline) log(`baseline ingestor pid ${baseline.pid} ready on 127.0.0.1:${baselinePort}`);
  await new Promise((r) => setTimeout(r, 1_000));
  const idleRssMb = { ingestor: (rssBytes(ingestor.pid) ?? 0) / 1024 / 1024, bare: 0 };
  log(
    `ingestor pid ${ingestor.pid} ready on 127.0.0.1:${ingestorPort}, idle RSS ${fmt(idleRssMb.ingestor, 1)} MB`,
  );

  const bare = await startBareFastify({ port: barePort, cwd: workDir });
  idleRssMb.bare = (rssBytes(bare.pid) ?? 0) / 1024 / 1024;
  log(
    `bare Fastify pid ${bare.pid} listening on 127.0.0.1:${barePort}, idle RSS ${fmt(idleRssMb.bare, 1)} MB`,
  );

  const metricsUrlOf = (port: number) => `http://127.0.0.1:${port}/metrics`;
  const counts = (port = ingestorPort) => ingestCounts(metricsUrlOf(port), broker.brokers, INBOUND_TOPIC);
  const gcSeconds = (port: number) => gcSecondsOf(metricsUrlOf(port));
  const watchHeap = (port: number) => watchIngestorHeap(metricsUrlOf(port));
  /**
   * Waits until the ingestor publishes to Kafka directly again (the relay emptied the spool), so one
   * run's backlog is not the next one's.
   */
  const settle = async (child: Child, port: number) => {
    await new Promise((r) => setTimeout(r, 1_000));
    try {
      await waitForHttp(readyzUrlOf(port), child, {
        accept: publishesToKafka,
        timeoutMs: 120_000,
        what: 'direct Kafka publishing',
      });
    } catch (err) {
      // Every later run would measure the spool, not Kafka: stop here rather than publish that.
      throw new Error(
        `the ingestor did not return to publishing to Kafka within 2 minutes after a run; see ${ingestorLog}` +
          '',
        { cause: err },
      );
    }
  };

  let cursor = 0;
  let lastWindowUs: [number, number] = [0, 0];
  const runLoad = async (
    scenario: Scenario,
    round: number,
    options: { durationS: number; connections: number; overallRate?: number },
  ): Promise<RunRecord> => {
    const isBare = BARE_SCENARIOS.includes(scenario);
    const e2e =
      scenario === 'ingestor-e2e'
        ? await startE2eConsumer({
            brokers: broker.brokers,
            topic: INBOUND_TOPIC,
            workDir,
            tag: `${round}-${Date.now()}`,
            requestBodies,
            fetch: settings.e2eFetch,
          })
        : null;
    const sendLogFile = e2e ? join(workDir, `sends-${round}-${Date.now()}.json`) : undefined;
    const isBaseline = BASELINE_SCENARIOS.includes(scenario);
    if (isBaseline && !baseline)
      throw new Error(`${scenario} needs BENCH_BASELINE_DIR or BENCH_BASELINE_ENV`);
    const target = isBare ? bare : isBaseline && baseline ? baseline : ingestor;
    const port = isBare ? barePort : isBaseline ? baselinePort : ingestorPort;
    const before = isBare ? null : await counts(port);
    const gcBefore = isBare ? null : await gcSeconds(port);
    const heap = isBare ? null : watchHeap(port);
    const loadOptions: LoadOptions = {
      url: `http://127.0.0.1:${port}`,
      durationS: options.durationS,
      connections: options.connections,
      requestsFile,
      startIndex: cursor,
      ...(options.overallRate ? { overallRate: options.overallRate } : {}),
      ...(sendLogFile ? { sendLogFile } : {}),
    };
    await waitForQuietMachine({ quietPercent: QUIET_CPU_PERCENT, maxWaitS: settings.quietWaitS, log });
    // Filled in when autocannon starts (the callback runs before runLoadProcess resolves).
    const measuring: { sampler: ReturnType<typeof startSampler> | null; startUs: number } = {
      sampler: null,
      startUs: 0,
    };
    const result = await runLoadProcess({
      load: loadOptions,
      cwd: workDir,
      onStarted: () => {
        measuring.startUs = Number(process.hrtime.bigint() / 1000n);
        measuring.sampler = startSampler({
          rssPid: target.pid,
          cpuGroups: {
            server: () => [target.pid],
            broker: () => (brokerPid === undefined ? [] : [brokerPid]),
            postgres: () => pidsNamed('postgres'),
            // This script (sampling, scraping): small, but not "other work".
            orchestrator: () => [process.pid],
            // (e)'s consumer process: part of the scenario, not "other work".
            consumer: () => (e2e ? [e2e.child.pid] : []),
          },
        });
      },
    });
    lastWindowUs = [measuring.startUs, Number(process.hrtime.bigint() / 1000n)];
    const sample = measuring.sampler?.stop();
    if (!sample) throw new Error('the load generator never reported that it started');
    // A spool fallback because the broker process is gone says nothing about the ingestor.
    if (brokerPid !== undefined && cpuSeconds(brokerPid) === null) {
      await new Promise((r) => setTimeout(r, 200));
      throw new Error(
        `the broker (pid ${brokerPid}) exited during the run; nothing after this is a measurement` +
          `\n${brokerExit?.exit() ?? '(how it ended is unknown)'}`,
      );
    }
    cursor += result.requestsSent;
    let ingest: IngestCounts | null = null;
    let runtime: RunRecord['runtime'] = null;
    if (before && gcBefore !== null && heap) {
      runtime = {
        gcPercent: (((await gcSeconds(port)) - gcBefore) / result.durationS) * 100,
        heapMaxMb: await heap.stop(),
      };
      // Requests still in flight when autocannon stopped finish within the publish timeout.
      await new Promise((r) => setTimeout(r, 500));
      ingest = diffCounts(await counts(port), before);
    }
    let e2eResult: RunRecord['e2e'] = null;
    if (e2e && sendLogFile && ingest) {
      // Every event Kafka took reaches the consumer; give it a deadline rather than a fixed wait.
      const expected = ingest.events - ingest.spooledEvents;
      const deadline = Date.now() + 15_000;
      while (e2e.arrived() < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      e2eResult = await e2e.finish(sendLogFile);
    }
    const record: RunRecord = {
      scenario,
      round,
      load: result,
      maxRssMb: sample.maxRssBytes / 1024 / 1024,
      cpu: {
        server: sample.cpuPercent.server ?? 0,
        broker: brokerPid === undefined ? null : (sample.cpuPercent.broker ?? null),
        postgres: sample.cpuPercent.postgres ?? 0,
        load: result.cpuPercent,
        machine: sample.machineCpuPercent,
        other: Math.max(
          0,
          sample.machineCpuPercent -
            (sample.cpuPercent.server ?? 0) -
            (sample.cpuPercent.broker ?? 0) -
            (sample.cpuPercent.postgres ?? 0) -
            (sample.cpuPercent.orchestrator ?? 0) -
            (sample.cpuPercent.consumer ?? 0) -
            result.cpuPercent,
        ),
      },
      ingest,
      runtime,
      verifiedPerSec: ingest ? ingest.kafkaWebhooks / result.durationS : null,
      e2e: e2eResult,
    };
    log(
      `${SCENARIO_TITLES[scenario]} round ${round}: ${fmt(result.requestsPerSecMean)} req/s, ` +
        (ingest ? `${fmt(record.verifiedPerSec)} verified/s (${fmt(ingest.spoolWebhooks)} spooled), ` : '') +
        `p50 ${fmt(result.latencyMs.p50, 1)} ms, p99 ${fmt(result.latencyMs.p99, 1)} ms, non-2xx ${result.non2xx}, ` +
        `errors ${result.errors + result.timeouts}, ` +
        (e2eResult
          ? `end to end p50 ${fmt(e2eResult.p50Ms, 1)} ms p99 ${fmt(e2eResult.p99Ms, 1)} ms (${fmt(e2eResult.matched)} of ${fmt(e2eResult.expected)} events), `
          : '') +
        `RSS ${fmt(record.maxRssMb, 1)} MB, CPU server ${fmt(record.cpu.server)} % ` +
        `broker ${fmt(record.cpu.broker)} % load ${fmt(record.cpu.load)} % machine ${fmt(record.cpu.machine)} %` +
        (runtime
          ? `, GC ${fmt(runtime.gcPercent, 1)} % of wall time, heap max ${fmt(runtime.heapMaxMb.totalMb)} MB ` +
            `(used ${fmt(runtime.heapMaxMb.usedMb)}, new space ${fmt(runtime.heapMaxMb.newSpaceMb)}, old space ${fmt(runtime.heapMaxMb.oldSpaceMb)})`
          : ''),
    );
    if (!isBare) await settle(target, port);
    return record;
  };

  /** A run, repeated (up to twice) when other work on the machine took a share of the CPU meanwhile. */
  const repeated: string[] = [];
  const measured = async (...args: Parameters<typeof runLoad>): Promise<RunRecord> => {
    for (let attempt = 1; ; attempt++) {
      const record = await runLoad(...args);
      if (record.cpu.other <= OTHER_CPU_LIMIT || attempt === 3) return record;
      const what = `${SCENARIO_TITLES[record.scenario]} round ${record.round}`;
      repeated.push(`${what} (other work took ${fmt(record.cpu.other)} % CPU)`);
      log(`${what} overlapped other work (${fmt(record.cpu.other)} % CPU); repeating it`);
    }
  };

  // Connections: tuned on the ingestor (which warms it up), unless given.
  const tuning: TuningStep[] = [];
  let connections = settings.connections;
  let connectionsSource = 'BENCH_CONNECTIONS';
  const tuneList = settings.tuneConnections ?? KAFKA_TUNE_CONNECTIONS;
  if (connections === null) {
    log(`tuning connections over ${tuneList.join(', ')} (${settings.tuneDurationS} s each)…`);
    for (const c of tuneList) {
      const r = await measured('ingestor-max', 0, { durationS: settings.tuneDurationS, connections: c });
      tuning.push({
        connections: c,
        reqPerSec: r.load.requestsPerSecMean,
        verifiedPerSec: r.verifiedPerSec ?? 0,
        p99: r.load.latencyMs.p99,
        spoolWebhooks: r.ingest?.spoolWebhooks ?? 0,
        maxRssMb: r.maxRssMb,
      });
    }
    const within = tuning.filter((t) => t.p99 <= 100 && t.spoolWebhooks === 0);
    const best =
      within.length > 0
        ? within.reduce((a, b) => (b.verifiedPerSec > a.verifiedPerSec ? b : a))
        : tuning.reduce((a, b) => (b.p99 < a.p99 ? b : a));
    connections = best.connections;
    connectionsSource =
      within.length > 0
        ? `tuned: best verified throughput with p99 ≤ 100 ms among ${tuneList.join('/')}`
        : `tuned: no setting among ${tuneList.join('/')} kept p99 ≤ 100 ms, lowest p99 taken`;
    log(`connections: ${connections} (${connectionsSource})`);
    // Tuning overloads the ingestor on purpose (the largest setting is past p99 ≤ 100 ms), and a
    // process keeps the memory it grew then: the measured runs get a fresh ingestor, warmed up.
    await stopChild(ingestor);
    ingestor = await startIngestor();
    await runLoad('ingestor-max', 0, { durationS: settings.warmupS, connections });
  } else {
    await runLoad('ingestor-max', 0, { durationS: settings.warmupS, connections });
  }
  if (baseline) await runLoad('baseline-max', 0, { durationS: settings.warmupS, connections });
  await runLoad('bare-ceiling', 0, { durationS: settings.warmupS, connections });
  // Counted from here: the ingestor that runs the measured rounds (and its warm-up above).
  const start = await counts();

  const runs: RunRecord[] = [];
  for (let round = 1; round <= settings.rounds; round++) {
    runs.push(await measured('ingestor-max', round, { durationS: settings.durationS, connections }));
    if (baseline) {
      runs.push(await measured('baseline-max', round, { durationS: settings.durationS, connections }));
    }
    runs.push(await measured('bare-ceiling', round, { durationS: settings.durationS, connections }));
    runs.push(
      await measured('ingestor-fixed', round, {
        durationS: settings.durationS,
        connections: settings.fixedConnections,
        overallRate: settings.fixedRate,
      }),
    );
    if (baseline) {
      runs.push(
        await measured('baseline-fixed', round, {
          durationS: settings.durationS,
          connections: settings.fixedConnections,
          overallRate: settings.fixedRate,
        }),
      );
    }
    // The same paced load against a server that does nothing: what the generator and the machine
    // add to (c)'s latency on their own.
    runs.push(
      await measured('bare-fixed', round, {
        durationS: settings.durationS,
        connections: settings.fixedConnections,
        overallRate: settings.fixedRate,
      }),
    );
    // (c) again with a CRM reading the topic in its own process: the latency a consumer sees.
    runs.push(
      await measured('ingestor-e2e', round, {
        durationS: settings.durationS,
        connections: settings.fixedConnections,
        overallRate: settings.fixedRate,
      }),
    );
  }

  const end = await counts();
  const totals = diffCounts(end, start);
  const brokerRecordsExpected = totals.events - totals.spooledEvents + totals.relayedEvents;

  let profile: BenchContext['profile'] = null;
  if (settings.cpuProfile) {
    const fixed = settings.cpuProfile === 'fixed';
    log(`CPU profile: restarting the ingestor with --cpu-prof for one more ${fixed ? '(c)' : '(a)'} run…`);
    await stopChild(ingestor);
    const profileDir = join(workDir, 'cpu-profile');
    ingestor = await startIngestor(['--cpu-prof', `--cpu-prof-dir=${profileDir}`]);
    await runLoad(
      fixed ? 'ingestor-fixed' : 'ingestor-max',
      0,
      fixed
        ? {
            durationS: settings.durationS,
            connections: settings.fixedConnections,
            overallRate: settings.fixedRate,
          }
        : { durationS: settings.durationS, connections },
    );
    // The profile is written when the process exits on its own: give the graceful shutdown time.
    await stopChild(ingestor, 30_000);
    const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (file) {
      const keep = join(tmpdir(), `omnistream-bench-ingest-${runId}.cpuprofile`);
      writeFileSync(keep, readFileSync(join(profileDir, file)));
      profile = summarizeCpuProfile(keep, 25, lastWindowUs);
      if (profile.totalMs === 0) profile = summarizeCpuProfile(keep, 25);
      log(`CPU profile kept at ${keep}`);
    } else {
      log('the ingestor wrote no CPU profile');
    }
  }

  const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
  const ctx: BenchContext = {
    date: new Date().toISOString(),
    machine: {
      nproc: availableParallelism(),
      cpuModel,
      memoryGb: totalmem() / 1024 ** 3,
      kernel: release(),
      node: process.version,
    },
    broker: {
      notes: [] as string[],
      kind: broker.kind,
      description: broker.description,
      pid: brokerPid,
    },
    postgres: postgres.description,
    durationS: settings.durationS,
    rounds: settings.rounds,
    connections,
    connectionsSource,
    tuning,
    fixedRate: settings.fixedRate,
    fixedConnections: settings.fixedConnections,
    requestMix,
    ingestorEnv: {
      HTTP_HOST: ingestorEnv.HTTP_HOST,
      LOG_LEVEL: ingestorEnv.LOG_LEVEL,
      ...settings.ingestorEnv,
    },
    ingestorCommand: formatServiceCommand(serviceCommand('webhook-ingestor'), settings.ingestorNodeArgs),
    ingestorWarnings: ingestors.flatMap((c) => c.counted),
    repeatedRuns: repeated,
    idleRssMb,
    ingestorNodeArgs: settings.ingestorNodeArgs,
    typeStrippingRssMb: await typeStrippingCost(workDir),
    totals: {
      ...totals,
      brokerRecordsExpected: totals.brokerRecords === null ? null : brokerRecordsExpected,
    },
    profile,
    profileScenario: settings.cpuProfile,
    baseline: settings.baseline
      ? [
          settings.baselineDir ? `the checkout at ${settings.baselineDir}` : 'this checkout',
          settings.baselineNodeArgs ? `with Node flags \`${settings.baselineNodeArgs.join(' ')}\`` : '',
          Object.keys(settings.baselineEnv).length > 0
            ? `with ${Object.entries(settings.baselineEnv)
                .map(([k, v]) => `\`${k}=${v}\``)
                .join(', ')}`
            : '',
        ]
          .filter(Boolean)
          .join(' ')
      : null,
  };

  console.log(`\n## Ingest benchmark — medians of ${settings.rounds} rounds, ${settings.durationS} s each\n`);
  console.log(mediansTable(runs));
  const beforeAfter = beforeAfterTable(runs);
  if (beforeAfter) console.log(`\n### Before and after\n\n${beforeAfter}`);
  console.log('\n### Targets\n');
  for (const t of checkTargets(runs, settings.fixedRate))
    console.log(`- ${t.met ? 'met    ' : 'NOT MET'}  ${t.target}: ${t.measured}`);
  console.log('\n### Raw runs\n');
  console.log(rawTable(runs));
  console.log(
    `\nevents: ${fmt(totals.kafkaWebhooks)} webhooks to Kafka, ${fmt(totals.spoolWebhooks)} spooled, ${fmt(totals.otherWebhooks)} other; ` +
      `${fmt(totals.events)} events; broker counted ${fmt(totals.brokerRecords)} records (expected ${fmt(brokerRecordsExpected)})`,
  );
  const section = renderSection(ctx, runs);
  saveResults({
    rawFile: join(tmpdir(), `omnistream-bench-ingest-${runId}.json`),
    raw: { ctx, runs },
    section,
    title: SECTION_TITLE,
    writeDocs: settings.writeDocs,
    log,
  });
  log(`ingestor log: ${ingestorLog}`);
}

await runMain(main, { cleanup, interrupted });
