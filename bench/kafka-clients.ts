// Kafka producer clients benchmark: `pnpm bench:kafka-clients`. kafkajs (what the services use) and
// @platformatic/kafka produce the ingestor's records to the same broker, each client in its own
// process (kafka-client-run.ts). See docs/benchmarks.md ("Kafka clients") for the method and results.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKafkaBroker } from '@omnistream/testing/harness';
import { createKafka } from '../packages/kafka/src/index.ts';
import { createLogger } from '../packages/logger/src/index.ts';
import { serializeEvent } from '../services/webhook-ingestor/src/event-publisher.ts';
import { type NormalizeContext, normalizeWebhook } from '../services/webhook-ingestor/src/normalize/index.ts';
import { envNumber, runMain, saveResults } from './bench-run.ts';
import { benchRun, spawnNode } from './children.ts';
import { median } from './graph-report.ts';
import { fmt } from './ingest-report.ts';
import {
  type BenchRecord,
  CLIENT_TITLES,
  CLIENTS,
  type ClientName,
  KAFKA_CLIENTS_SECTION_TITLE,
  mediansTable,
  type Run,
  type RunResult,
  type RunSpec,
  rawTable,
  reading,
  renderSection,
  type Shape,
} from './kafka-clients-report.ts';
import { CORES, cpuSeconds, machineCpu, waitForQuietMachine } from './proc-stats.ts';
import { buildWhatsAppRequests } from './whatsapp-payloads.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PARTITIONS = 6;
/** CPU (% of one core) used by processes not ours during a run above which the run is repeated. */
const OTHER_CPU_LIMIT = 25;

const env = process.env;
const num = envNumber(env);
const durationS = num('BENCH_DURATION_S', 15);
const rounds = num('BENCH_ROUNDS', 3);
const settings = {
  durationS,
  rounds,
  warmupS: num('BENCH_WARMUP_S', Math.min(3, durationS)),
  concurrency: num('BENCH_CONCURRENCY', 64),
  ratePerS: num('BENCH_RATE', 1_000),
  requests: num('BENCH_REQUESTS', 3_000),
  quietWaitS: num('BENCH_QUIET_WAIT_S', 300),
  clients: (env.BENCH_KAFKA_CLIENTS ? env.BENCH_KAFKA_CLIENTS.split(',') : CLIENTS).map((c) => {
    if (!CLIENTS.includes(c as ClientName))
      throw new Error(`unknown client ${c}; one of ${CLIENTS.join(', ')}`);
    return c as ClientName;
  }),
  writeDocs: env.BENCH_WRITE_DOCS ? env.BENCH_WRITE_DOCS === '1' : durationS >= 15 && rounds >= 3,
};

const { workDir, cleanups, cleanup, interrupted } = benchRun({
  prefix: 'omnistream-bench-kc-',
  onSignalMessage: 'stopping the clients and the broker…',
});
const log = (line: string) => console.log(`[bench] ${line}`);

/** The ingestor's records for `count` bench webhooks: normalized and serialized by its own code. */
function buildSends(count: number): { sends: BenchRecord[][]; description: string } {
  const requests = buildWhatsAppRequests({ count, appSecret: `bench-${randomBytes(8).toString('hex')}` });
  const ctx: NormalizeContext = {
    receivedAt: new Date().toISOString(),
    // Every account known, as in production: the events carry an integration id.
    integrationIdFor: () => '6f1c2a9e-4b7d-4c1e-9a35-2d8f0b7e4c11',
    encryptToken: () => {
      throw new Error('the bench webhooks are WhatsApp only: no FBE token to encrypt');
    },
  };
  const sends = requests.map((r) =>
    normalizeWebhook('whatsapp', JSON.parse(r.body), ctx).events.map((event): BenchRecord => {
      const s = serializeEvent(event);
      return { key: s.key, value: s.value.toString('utf8'), headers: s.headers };
    }),
  );
  const records = sends.flat();
  const sizes = records.map((r) => Buffer.byteLength(r.value)).sort((a, b) => a - b);
  const keys = records.map((r) => r.key.length);
  const perSend = new Map<number, number>();
  for (const s of sends) perSend.set(s.length, (perSend.get(s.length) ?? 0) + 1);
  const nonAscii = records.filter((r) => Buffer.byteLength(r.value) !== r.value.length).length;
  const description =
    `${fmt(requests.length)} bench WhatsApp webhooks (bench/whatsapp-payloads.ts) through \`normalizeWebhook\` and \`serializeEvent\`: ` +
    `${fmt(records.length)} records, ${fmt(records.length / sends.length, 2)} per send ` +
    `(${[...perSend.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([n, c]) => `${n}: ${fmt((c / sends.length) * 100)} %`)
      .join(', ')}); ` +
    `value ${fmt(sizes[0] ?? 0)}–${fmt(sizes.at(-1) ?? 0)} B (median ${fmt(median(sizes))}), ` +
    `${fmt((nonAscii / records.length) * 100)} % with non-ASCII text; key ${Math.min(...keys) === Math.max(...keys) ? fmt(keys[0] ?? 0) : `${fmt(Math.min(...keys))}–${fmt(Math.max(...keys))}`} chars (e.g. \`${records[0]?.key ?? ''}\`); ` +
    'headers event-id, event-kind, schema-version.';
  return { sends, description };
}

async function main(): Promise<void> {
  const broker = await startKafkaBroker({ topics: ['bench-kafka-clients'], partitions: PARTITIONS });
  cleanups.push(() => broker.stop());
  log(`Kafka broker: ${broker.kind} — ${broker.description}`);
  const brokerPid = broker.pid;
  log(`broker pid: ${brokerPid ?? 'not started here (its CPU will not be reported)'}`);
  const logger = createLogger({ name: 'bench-kafka-clients', level: 'warn' });
  const admin = createKafka({
    brokers: broker.brokers,
    clientId: 'bench-kafka-clients-admin',
    logger,
  }).admin();
  await admin.connect();
  cleanups.push(() => admin.disconnect());

  const { sends, description } = buildSends(settings.requests);
  const sendsFile = join(workDir, 'sends.json');
  writeFileSync(sendsFile, JSON.stringify(sends));
  log(`records: ${description}`);

  const runOne = async (client: ClientName, shape: Shape, round: number): Promise<Run> => {
    const topic = `bench-kc-${client}-${shape}-${round}-${Date.now().toString(36)}`;
    await admin.createTopics({
      topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    await waitForQuietMachine({ quietPercent: 25, maxWaitS: settings.quietWaitS, log });
    const spec: RunSpec = {
      client,
      brokers: broker.brokers,
      topic,
      sendsFile,
      warmupS: settings.warmupS,
      durationS: settings.durationS,
      ...(shape === 'saturation' ? { concurrency: settings.concurrency } : { ratePerS: settings.ratePerS }),
    };
    type Snapshot = { broker: number | null; machine: { busy: number; total: number }; self: number };
    const snapshot = (): Snapshot => {
      const self = process.cpuUsage();
      return {
        broker: brokerPid === undefined ? null : cpuSeconds(brokerPid),
        machine: machineCpu(),
        self: (self.user + self.system) / 1e6,
      };
    };
    let start: Snapshot | null = null;
    let end: Snapshot | null = null;
    let result: RunResult | null = null;
    const child = spawnNode({
      name: client,
      args: [join(ROOT, 'bench/kafka-client-run.ts'), JSON.stringify(spec)],
      cwd: workDir,
      env: { PATH: env.PATH ?? '/usr/bin:/bin' },
      onStdoutLine: (line) => {
        if (!line.startsWith('{')) return;
        const message = JSON.parse(line) as { type: string };
        if (message.type === 'start') start = snapshot();
        else if (message.type === 'end') end = snapshot();
        else if (message.type === 'result') result = message as RunResult;
      },
    });
    const exit = await child.exited;
    // Every acknowledged record must be on the broker (a client that "acknowledged" less is no match).
    const offsets = await admin.fetchTopicOffsets(topic);
    const onBroker = offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    const s = start as Snapshot | null;
    const e = end as Snapshot | null;
    const r = result as RunResult | null;
    if (exit.code !== 0 || !s || !e || !r) {
      throw new Error(`${client} ${shape} run failed (exit ${exit.code ?? exit.signal}):\n${child.tail()}`);
    }
    const brokerCpuUs = s.broker !== null && e.broker !== null ? (e.broker - s.broker) * 1e6 : null;
    const machinePercent =
      ((e.machine.busy - s.machine.busy) / Math.max(1, e.machine.total - s.machine.total)) * CORES * 100;
    const ours = r.cpuUs / 1e6 + (brokerCpuUs ?? 0) / 1e6 + (e.self - s.self);
    const run: Run = {
      client,
      shape,
      round,
      result: r,
      brokerCpuUs,
      otherCpuPercent: Math.max(0, machinePercent - (ours / r.seconds) * 100),
      onBroker,
    };
    if (onBroker < r.acked) {
      throw new Error(`${client} ${shape}: ${r.acked} records acknowledged but the topic holds ${onBroker}`);
    }
    log(
      `round ${round} ${shape} ${client}: ${fmt(r.records / r.seconds)} records/s, ${fmt(r.sends / r.seconds)} sends/s, ` +
        `p50 ${fmt(r.latencyMs.p50, 1)} ms p99 ${fmt(r.latencyMs.p99, 1)} ms, client ${fmt(r.cpuUs / Math.max(1, r.records), 1)} µs/record, ` +
        `broker ${brokerCpuUs === null ? '–' : fmt(brokerCpuUs / Math.max(1, r.records), 1)} µs/record, errors ${r.errors}` +
        `${r.firstError ? ` (${r.firstError})` : ''}, other CPU ${fmt(run.otherCpuPercent)} %, on broker ${fmt(onBroker)} of ${fmt(r.acked)} acked`,
    );
    return run;
  };

  const runs: Run[] = [];
  const repeated: string[] = [];
  for (let round = 1; round <= settings.rounds; round++) {
    // Interleaved, and in a rotating order so no client is always first after a pause.
    const order = settings.clients.map((_, i, all) => all[(i + round - 1) % all.length] as ClientName);
    for (const shape of ['saturation', 'fixed'] as const) {
      for (const client of order) {
        for (let attempt = 1; ; attempt++) {
          const run = await runOne(client, shape, round);
          if (run.otherCpuPercent <= OTHER_CPU_LIMIT || attempt === 3) {
            runs.push(run);
            break;
          }
          repeated.push(
            `round ${round} ${shape} ${client} (other work took ${fmt(run.otherCpuPercent)} % CPU)`,
          );
          log(`round ${round} ${shape} ${client} overlapped other work; repeating it`);
        }
      }
    }
  }

  const version = (pkg: string) =>
    (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string })
      .version;
  const ctxDate = new Date().toISOString();
  const section = renderSection(
    {
      date: ctxDate,
      machine: `${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${fmt(totalmem() / 1024 ** 3, 1)} GB, Linux ${release()}`,
      node: process.version,
      broker: `${broker.kind} — ${broker.description}`,
      versions: { kafkajs: version('kafkajs'), platformatic: version('@platformatic/kafka') },
      records: description,
      durationS: settings.durationS,
      warmupS: settings.warmupS,
      rounds: settings.rounds,
      concurrency: settings.concurrency,
      ratePerS: settings.ratePerS,
      clients: settings.clients,
      repeated,
    },
    runs,
  );
  console.log(`\n## Kafka clients — medians of ${settings.rounds} rounds, ${settings.durationS} s each\n`);
  for (const c of settings.clients) console.log(`- ${c}: ${CLIENT_TITLES[c]}`);
  console.log(`\n### Saturation (${settings.concurrency} sends in flight)\n`);
  console.log(mediansTable(runs, 'saturation', settings.clients));
  console.log(`\n### Fixed rate (${settings.ratePerS} sends/s)\n`);
  console.log(mediansTable(runs, 'fixed', settings.clients));
  console.log('\n### Reading\n');
  console.log(reading(runs).join('\n'));
  console.log('\n### Raw runs\n');
  console.log(rawTable(runs));
  saveResults({
    rawFile: join(tmpdir(), `omnistream-bench-kafka-clients-${Date.now().toString(36)}.json`),
    raw: { settings, runs },
    section,
    title: KAFKA_CLIENTS_SECTION_TITLE,
    writeDocs: settings.writeDocs,
    log,
  });
}

await runMain(main, { cleanup, interrupted });
