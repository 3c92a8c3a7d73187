// One run of one `pnpm bench:send` scenario: fresh database, topics, group and simulator state;
// commands produced; the real sender started as a child process; figures collected; all stopped.

import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { databaseUrl, freePorts, topicRecordCount } from '@omnistream/testing/harness';
import { createPool } from '../packages/db/src/index.ts';
import { createIntegrationsRepository, createTokenCipher } from '../packages/integrations/src/index.ts';
import type { Logger } from '../packages/logger/src/index.ts';
import { serviceCommand } from '../scripts/service-command.ts';
import { type Child, spawnNode, stopChild } from './children.ts';
import { commandLine, cpuSeconds, pidsNamed, startCpuTimeline, startSampler } from './proc-stats.ts';
import { histogramQuantile, type Sample, scrape, sumOf } from './prometheus-text.ts';
import {
  buildCommands,
  type createKafka,
  produceCommands,
  type ReadRecord,
  readTopics,
} from './send-kafka.ts';
import type { RunRecord, ScenarioSpec } from './send-report.ts';
import { ledgerTimes, prepareSim, type SimHandle, simRunFacts } from './send-sim.ts';

export interface RunEnv {
  root: string;
  workDir: string;
  runId: string;
  brokers: string[];
  kafka: ReturnType<typeof createKafka>;
  logger: Logger;
  sim: SimHandle;
  simLatencyMs: number;
  postgres: { adminUrl: string; templateDatabase: string };
  brokerPid: number | undefined;
  encryptionKey: Buffer;
  appSecret: string;
  senderLog: string;
  sharedSenderEnv: Record<string, string>;
  /** BENCH_SENDER_NODE_ARGS: extra Node flags, after the start script's own. */
  senderNodeArgs: readonly string[];
  log: (line: string) => void;
}

/** Topics of one run slot, created when the run's broker starts. */
export function runTopics(runId: string, slot: number) {
  const tag = `bench-${runId}-${slot}`;
  return {
    outbound: `omnistream.outbound.v1.${tag}`,
    results: `omnistream.outbound.results.v1.${tag}`,
    dlq: `omnistream.outbound.dlq.v1.${tag}`,
  };
}

/** The count rule of the latency-0 fault rule: it sees every WhatsApp send and changes nothing. */
const COUNT_RULE = 'bench-count-calls';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Accepted sends/s between the 10th and 90th percentile of acceptance times, the busiest 1,000 ms,
 * the longest pause between two accepted sends, and the count per second from the first.
 */
export function ledgerRates(times: readonly number[]): {
  steady: number | null;
  maxInAnySecond: number | null;
  longestGapMs: number | null;
  perSecond: number[];
} {
  const perSecond: number[] = [];
  let longestGapMs = 0;
  for (let i = 0; i < times.length; i++) {
    const second = Math.floor(((times[i] as number) - (times[0] as number)) / 1000);
    perSecond[second] = (perSecond[second] ?? 0) + 1;
    if (i > 0) longestGapMs = Math.max(longestGapMs, (times[i] as number) - (times[i - 1] as number));
  }
  for (let i = 0; i < perSecond.length; i++) perSecond[i] ??= 0;
  if (times.length < 10) return { steady: null, maxInAnySecond: null, longestGapMs: null, perSecond };
  const k1 = Math.floor(times.length * 0.1);
  const k2 = times.length - 1 - k1;
  const span = ((times[k2] as number) - (times[k1] as number)) / 1000;
  let max = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while ((times[hi] as number) - (times[lo] as number) >= 1000) lo++;
    max = Math.max(max, hi - lo + 1);
  }
  return { steady: span > 0 ? (k2 - k1) / span : null, maxInAnySecond: max, longestGapMs, perSecond };
}

async function waitUntilFinished(options: {
  metricsUrl: string;
  sender: Child;
  expected: number;
  stallMs: number;
  /** Other processes the run needs (broker, simulator): their death ends the run at once. */
  needed: { name: string; pid: number | undefined }[];
  log: (line: string) => void;
}): Promise<void> {
  let exited = false;
  void options.sender.exited.then(() => {
    exited = true;
  });
  let last = -1;
  let lastChange = Date.now();
  let lastLog = Date.now();
  for (;;) {
    if (exited) throw new Error(`the sender exited during the run:\n${options.sender.tail()}`);
    for (const p of options.needed) {
      if (p.pid !== undefined && cpuSeconds(p.pid) === null) {
        throw new Error(
          `${p.name} (pid ${p.pid}) is gone during the run; was it stopped by something else on the machine?`,
        );
      }
    }
    try {
      // A command delivered twice (the producer's retry after a leader change can write a batch
      // again) is skipped and its result republished: it finishes nothing new.
      const samples = await scrape(options.metricsUrl);
      const finished =
        sumOf(samples, 'omnistream_sender_sends_total') -
        sumOf(samples, 'omnistream_sender_sends_total', { outcome: 'duplicate_skipped' });
      if (finished >= options.expected) return;
      if (finished !== last) {
        last = finished;
        lastChange = Date.now();
      }
      if (Date.now() - lastLog > 10_000) {
        options.log(`  … ${finished} of ${options.expected} commands finished`);
        lastLog = Date.now();
      }
    } catch {
      // not listening yet, or a slow scrape under load
    }
    if (Date.now() - lastChange > options.stallMs) {
      throw new Error(
        `no progress for ${options.stallMs / 1000} s (${Math.max(0, last)} of ${options.expected} commands finished):\n${options.sender.tail()}`,
      );
    }
    await sleep(500);
  }
}

function summarizeResults(records: readonly ReadRecord[], topics: { results: string; dlq: string }) {
  const results = records.filter((r) => r.topic === topics.results);
  const byCommand = new Map<string, ReadRecord>();
  let sent = 0;
  let failed = 0;
  let maxAttempts = 0;
  let retried = 0;
  for (const r of results) {
    const id = String(r.value?.commandId ?? '');
    if (byCommand.has(id)) continue;
    byCommand.set(id, r);
    if (r.value?.outcome === 'sent') sent++;
    else failed++;
    const attempts = Number(r.value?.attempts ?? 0);
    maxAttempts = Math.max(maxAttempts, attempts);
    if (attempts > 1) retried++;
  }
  // Why each dead letter went there: reason, attempts and every attempt's error code.
  const dlqDetails = records
    .filter((r) => r.topic === topics.dlq)
    .slice(0, 10)
    .map((r) => {
      const errors = Array.isArray(r.value?.errors) ? (r.value.errors as { code?: string }[]) : [];
      const command = r.value?.command as { commandId?: string } | undefined;
      return `${String(command?.commandId ?? '?')}: ${String(r.value?.reason)} after ${String(r.value?.attempts)} attempts (${errors.map((e) => e.code ?? '?').join(', ')})`;
    });
  const times = results.map((r) => r.timestamp).filter((t) => Number.isFinite(t) && t > 0);
  const first = Math.min(...times);
  const last = Math.max(...times);
  return {
    summary: {
      records: results.length,
      uniqueCommands: byCommand.size,
      sent,
      failed,
      extraResults: results.length - byCommand.size,
      dlq: records.filter((r) => r.topic === topics.dlq).length,
      dlqDetails,
      maxAttempts,
      retried,
    },
    first,
    last,
  };
}

function senderCounters(samples: readonly Sample[]) {
  const by = (name: string, label: string) => {
    const out: Record<string, number> = {};
    for (const s of samples) {
      if (s.name !== name) continue;
      const key = s.labels[label] ?? '';
      out[key] = (out[key] ?? 0) + s.value;
    }
    return out;
  };
  const latency = 'omnistream_sender_graph_request_duration_seconds';
  const ms = (q: number) => {
    const v = histogramQuantile(samples, latency, q, { channel: 'whatsapp' });
    return v === null ? null : v * 1000;
  };
  return {
    throttlesAccount: sumOf(samples, 'omnistream_sender_throttles_total', { scope: 'account' }),
    throttlesRecipient: sumOf(samples, 'omnistream_sender_throttles_total', { scope: 'recipient' }),
    retries: by('omnistream_sender_retries_total', 'category'),
    deadLetters: sumOf(samples, 'omnistream_sender_dead_letters_total'),
    outcomes: by('omnistream_sender_sends_total', 'outcome'),
    graph: { calls: sumOf(samples, `${latency}_count`), p50Ms: ms(0.5), p99Ms: ms(0.99) },
    heapMb: {
      total: sumOf(samples, 'nodejs_heap_size_total_bytes') / 1024 / 1024,
      used: sumOf(samples, 'nodejs_heap_size_used_bytes') / 1024 / 1024,
      external: sumOf(samples, 'nodejs_external_memory_bytes') / 1024 / 1024,
    },
  };
}

export interface RunOutput {
  record: RunRecord;
  /** The --cpu-prof file and the result window in CLOCK_MONOTONIC µs, when profiling. */
  profile: { file: string; windowUs: [number, number] } | null;
  /** The first lines the sender logged at warn or above. */
  warnings: string[];
}

export async function runScenario(
  env: RunEnv,
  spec: ScenarioSpec,
  run: number,
  options: { slot: number; cpuProfile?: boolean },
): Promise<RunOutput> {
  const { log } = env;
  const tag = `${spec.id}-${run}-${randomBytes(3).toString('hex')}`;
  const topics = runTopics(env.runId, options.slot);
  const number = {
    phoneNumberId: `10${String(Date.now()).slice(-9)}${String(run)}`,
    wabaId: `20${String(Date.now()).slice(-9)}${String(run)}`,
    token: `EAAGbench${randomBytes(24).toString('hex')}`,
  };

  // Simulator: clean state, this run's number, limits and faults (+ the call counter).
  await prepareSim(env.sim, {
    latencyMs: env.simLatencyMs,
    number,
    limits: spec.simLimits,
    faults: [
      { id: COUNT_RULE, match: { channel: 'whatsapp', method: 'POST' }, action: { type: 'latency', ms: 0 } },
      // Per slot, so a repeated run draws other faults than the run it replaces.
      ...spec.faults.map((f, i) => ({ ...f, seed: (options.slot + 1) * 1_000 + i + 1 })),
    ],
  });

  // PostgreSQL: a fresh database from the migrated template, with this run's integration.
  const database = `omni_t_${env.runId}_${options.slot}`;
  const admin = createPool({ connectionString: env.postgres.adminUrl, max: 1, logger: env.logger });
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin.query(`CREATE DATABASE ${database} TEMPLATE ${env.postgres.templateDatabase}`);
  } finally {
    await admin.end();
  }
  const dbUrl = databaseUrl(env.postgres.adminUrl, database);
  const pool = createPool({ connectionString: dbUrl, max: 1, logger: env.logger });
  let integrationId: string;
  try {
    const repo = createIntegrationsRepository({
      pool,
      cipher: createTokenCipher([{ id: 'k1', key: env.encryptionKey }]),
    });
    const integration = await repo.create({
      channel: 'whatsapp',
      phoneNumberId: number.phoneNumberId,
      wabaId: number.wabaId,
      token: number.token,
    });
    integrationId = integration.id;
  } finally {
    await pool.end();
  }

  // Commands first: the sender starts on a full topic.
  const commands = buildCommands({ integrationId, count: spec.commands, recipients: spec.recipients, tag });
  const produced = await produceCommands({
    kafka: env.kafka,
    logger: env.logger,
    topic: topics.outbound,
    commands,
  });
  log(
    `  produced ${commands.length} commands to ${topics.outbound} in ${produced.seconds.toFixed(1)} s ` +
      `(${Math.round(commands.length / produced.seconds)}/s)`,
  );

  const [metricsPort] = await freePorts(1);
  if (metricsPort === undefined) throw new Error('no free port for the sender');
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  const cwd = mkdtempSync(join(env.workDir, 'sender-cwd-'));
  const profileDir = join(env.workDir, `cpu-profile-${tag}`);
  if (options.cpuProfile) mkdirSync(profileDir);
  // Started as `pnpm start:message-sender` starts it (its Node flags and environment).
  const command = serviceCommand('message-sender');
  const sender = spawnNode({
    name: 'message-sender',
    args: [
      ...command.nodeArgs,
      ...env.senderNodeArgs,
      ...(options.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      join(env.root, command.entry),
    ],
    cwd,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ...command.env,
      DATABASE_URL: dbUrl,
      KAFKA_BROKERS: env.brokers.join(','),
      KAFKA_TOPIC_OUTBOUND: topics.outbound,
      KAFKA_TOPIC_OUTBOUND_RESULTS: topics.results,
      KAFKA_TOPIC_OUTBOUND_DLQ: topics.dlq,
      SENDER_GROUP_ID: `bench-sender-${env.runId}-${tag}`,
      META_API_URL: env.sim.graphUrl,
      INSTAGRAM_API_URL: env.sim.instagramUrl,
      META_APP_SECRET: env.appSecret,
      TOKEN_ENCRYPTION_KEYS: `k1:${env.encryptionKey.toString('base64')}`,
      MESSAGE_SENDER_METRICS_PORT: String(metricsPort),
      ...env.sharedSenderEnv,
      ...spec.senderEnv,
    },
    logFile: env.senderLog,
    countPattern: /"level":(40|50|60)\b/,
  });
  const rss = startSampler({ rssPid: sender.pid, cpuGroups: {} });
  const timeline = startCpuTimeline({
    groups: {
      sender: () => [sender.pid],
      sim: () => [env.sim.child.pid],
      broker: () => (env.brokerPid === undefined ? [] : [env.brokerPid]),
      // Only the backends of this run's database: the PostgreSQL server may serve other work too.
      postgres: () => pidsNamed('postgres').filter((pid) => commandLine(pid).includes(` ${database} `)),
      orchestrator: () => [process.pid],
    },
  });

  let stopped = false;
  try {
    await waitUntilFinished({
      metricsUrl,
      sender,
      expected: commands.length,
      stallMs: 90_000,
      needed: [
        { name: 'the Kafka broker', pid: env.brokerPid },
        { name: 'meta-sim', pid: env.sim.child.pid },
      ],
      log,
    });
    // omnistream_sender_sends_total counts a command just before its result is published: wait for those.
    const deadline = Date.now() + 60_000;
    while ((await topicRecordCount(env.brokers, topics.results)) < commands.length && Date.now() < deadline) {
      await sleep(250);
    }
    const metrics = senderCounters(await scrape(metricsUrl));
    const simFacts = await simRunFacts(env.sim);
    const times = await ledgerTimes(env.sim, number.phoneNumberId);
    const monoNowUs = Number(process.hrtime.bigint() / 1000n);
    const wallNow = Date.now();
    await stopChild(sender, 30_000);
    stopped = true;
    timeline.stop();
    const sample = rss.stop();

    const records = await readTopics({ kafka: env.kafka, topics: [topics.results, topics.dlq] });
    const { summary, first, last } = summarizeResults(records, topics);
    const windowSeconds = Math.max(0.001, (last - first) / 1000);
    const cpuWindow = timeline.between(first, last);
    const cpu = cpuWindow
      ? {
          sender: cpuWindow.cpuPercent.sender ?? 0,
          sim: cpuWindow.cpuPercent.sim ?? 0,
          broker: env.brokerPid === undefined ? null : (cpuWindow.cpuPercent.broker ?? 0),
          postgres: cpuWindow.cpuPercent.postgres ?? 0,
          orchestrator: cpuWindow.cpuPercent.orchestrator ?? 0,
          machine: cpuWindow.machineCpuPercent,
          other: Math.max(
            0,
            cpuWindow.machineCpuPercent - Object.values(cpuWindow.cpuPercent).reduce((a, b) => a + b, 0),
          ),
        }
      : null;
    const calls = simFacts.faults[COUNT_RULE]?.seen ?? null;
    const faultHits = Object.entries(simFacts.faults)
      .filter(([id]) => id !== COUNT_RULE)
      .reduce((s, [, f]) => s + f.hits, 0);
    const rates = ledgerRates(times);
    const record: RunRecord = {
      scenario: spec.id,
      run,
      commands: commands.length,
      produce: { seconds: produced.seconds, perSec: commands.length / produced.seconds },
      results: summary,
      windowSeconds,
      finishedPerSec: Math.max(0, summary.uniqueCommands - 1) / windowSeconds,
      sim: {
        accepted: simFacts.accepted,
        duplicateMarkers: simFacts.duplicates.length,
        calls,
        faultHits,
        refusedBySim: calls === null ? null : calls - simFacts.accepted - faultHits,
        steadySentPerSec: rates.steady,
        maxInAnySecond: rates.maxInAnySecond,
        longestGapMs: rates.longestGapMs,
        perSecond: rates.perSecond,
      },
      graph: metrics.graph,
      sender: {
        throttlesAccount: metrics.throttlesAccount,
        throttlesRecipient: metrics.throttlesRecipient,
        retries: metrics.retries,
        deadLetters: metrics.deadLetters,
        outcomes: metrics.outcomes,
        maxRssMb: sample.maxRssBytes / 1024 / 1024,
        heapAtEndMb: metrics.heapMb,
        warnings: sender.counted.length,
      },
      cpu,
    };
    let profile: RunOutput['profile'] = null;
    if (options.cpuProfile) {
      const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
      if (file) {
        const toMono = (wallMs: number) => monoNowUs - (wallNow - wallMs) * 1000;
        profile = { file: join(profileDir, file), windowUs: [toMono(first), toMono(last)] };
      } else {
        log('  the sender wrote no CPU profile');
      }
    }
    return { record, profile, warnings: sender.counted.slice(0, 5) };
  } finally {
    if (!stopped) {
      timeline.stop();
      rss.stop();
      await stopChild(sender, 10_000);
    }
  }
}
