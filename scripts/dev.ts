// `pnpm dev`: the whole gateway on this machine, no Docker. Reads .env when there is one and fills
// in development values for what it leaves unset; starts Apache Kafka from the jars scripts/setup.sh
// fetched (mokapi, an imitation, only where there is no Java 17) unless KAFKA_BROKERS names one; creates and migrates the database; starts meta-sim as the Graph
// API and the three services against it, each child's log prefixed with its name. Ctrl-C, a SIGTERM
// to it, or `pnpm dev --stop` from another terminal stops the services first (SIGTERM, they finish
// in-flight work), then meta-sim, then the broker. Everything listens on 127.0.0.1 only.
//
// Two processes: this one stays in the terminal's process group and turns Ctrl-C into one SIGTERM
// for a supervisor running in a process group of its own (scripts/dev/front.ts). Otherwise the
// terminal would SIGINT every child at once: the broker would vanish while the services still flush
// to it, and the services would get a second signal from us mid-shutdown.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeUrl } from '@omnistream/testing/harness';
import {
  apiGatewayHttpBlock,
  devStackBlock,
  loadConfig,
  loadConfigOrExit,
  messageSenderBlock,
  readEnv,
  shutdownBlock,
  topicsBlock,
  webhookIngestorHttpBlock,
  z,
} from '../packages/config/src/index.ts';
import { topicSpecs } from '../packages/kafka/src/index.ts';
import { buildServices } from './build-services.ts';
import { startDevBroker } from './dev/broker.ts';
import { ensureDatabase } from './dev/database.ts';
import { runFront } from './dev/front.ts';
import { createLineFormatter } from './dev/log-format.ts';
import { type DevProcess, isRunning, readPidFile, removePidFile, writePidFile } from './dev/pid-file.ts';
import {
  assertPortsFree,
  type DevChild,
  runToEnd,
  spawnNode,
  stopChild,
  waitForHttp,
} from './dev/processes.ts';
import { devStateDir, removeStackFile, writeStackFile } from './dev/stack-file.ts';
import { stopRunningStack } from './dev/stop.ts';
import { type ServiceName, serviceCommand } from './service-command.ts';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);

/**
 * Ports of the services when their variables are unset: next to, not on, the services' defaults
 * (3000-3002), so a `pnpm start:*` or another tool using those keeps working alongside. meta-sim's
 * and the broker's are DEV_META_SIM_PORT and DEV_KAFKA_PORT (4110 and 19092, not 4010 and 9092).
 */
const DEV_SERVICE_PORTS = {
  WEBHOOK_INGESTOR_PORT: '3100',
  API_GATEWAY_PORT: '3101',
  MESSAGE_SENDER_METRICS_PORT: '3102',
};
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/omnistream_dev';
/** Development-only values, used when neither .env nor the environment sets them. Not secrets. */
const DEV_DEFAULTS = {
  META_APP_SECRET: 'dev-app-secret',
  META_VERIFY_TOKEN: 'dev-verify-token',
  // Fixed, so tokens stored in the development database stay readable from one run to the next.
  TOKEN_ENCRYPTION_KEYS: `dev:${createHash('sha256').update('omnistream development key').digest('base64')}`,
  ADMIN_API_KEY: 'osk_dev-admin-key-for-local-development-only',
  // A freshly connected channel is picked up within 2 s instead of 30 s.
  INTEGRATIONS_POLL_INTERVAL_MS: '2000',
  // meta-sim's app id, so OAuth code exchanges against the simulator line up.
  META_APP_ID: '1517776481860111',
};
const SERVICES = ['ingestor', 'sender', 'gateway'];
const NAMES = ['dev', 'migrate', 'topics', 'meta-sim', ...SERVICES];

const env = readEnv({ dotenvPath: join(root, '.env') });
const given = (key: string) => {
  const value = env[key]?.trim();
  return value ? value : undefined;
};
const devEnv: Record<string, string | undefined> = { ...env };
for (const [key, value] of Object.entries(DEV_SERVICE_PORTS)) devEnv[key] = given(key) ?? value;
const settings = loadConfigOrExit(
  z.object({
    ...devStackBlock,
    ...webhookIngestorHttpBlock,
    ...apiGatewayHttpBlock,
    ...messageSenderBlock,
    ...shutdownBlock,
  }),
  'pnpm dev',
  devEnv,
);
const PORTS = {
  ingestor: settings.WEBHOOK_INGESTOR_PORT,
  gateway: settings.API_GATEWAY_PORT,
  senderOps: settings.MESSAGE_SENDER_METRICS_PORT,
  metaSim: settings.DEV_META_SIM_PORT,
  kafka: settings.DEV_KAFKA_PORT,
};
const stateDir = devStateDir(root, devEnv);
const graceMs = settings.SHUTDOWN_TIMEOUT_MS + 5_000;

if (args.includes('--supervise')) await supervise();
else if (args.includes('--stop')) process.exitCode = await stopRunningStack(stateDir, graceMs);
else {
  const running = readPidFile(stateDir);
  if (running && (isRunning(running.supervisor) || isRunning(running.front))) {
    console.error(
      `[dev] another \`pnpm dev\` (pid ${running.front.pid}) runs with this DEV_STATE_DIR (${stateDir}); ` +
        'stop it with `pnpm dev --stop`, or give this one another DEV_STATE_DIR and other ports',
    );
    process.exit(1);
  }
  runFront({ script: import.meta.filename, args, cwd: root, stateDir, graceMs });
}

async function supervise(): Promise<void> {
  const format = createLineFormatter({
    color: Boolean(process.stdout.isTTY),
    raw: args.includes('--raw'),
    names: NAMES,
  });
  // A reader of our output that went away (the terminal closed) must not crash the orderly stop.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  const say = (line: string) => console.log(format('dev', line));
  const hasDotenv = existsSync(join(root, '.env'));
  const children: DevChild[] = [];
  const pids = {
    front: { name: 'pnpm dev', pid: process.ppid, command: 'scripts/dev.ts' },
    supervisor: { name: 'dev supervisor', pid: process.pid, command: 'scripts/dev.ts' },
    children: [] as DevProcess[],
  };
  const recordPid = (proc: DevProcess) => {
    pids.children.push(proc);
    writePidFile(stateDir, pids);
  };
  writePidFile(stateDir, pids);
  let broker: { stop(): Promise<void> } | null = null;
  let stopping: Promise<void> | null = null;

  const stopAll = (code: number, reason?: string): Promise<void> => {
    stopping ??= (async () => {
      if (reason) say(reason);
      say('stopping: services first (in-flight work finishes), then meta-sim, then the broker');
      const services = children.filter((c) => SERVICES.includes(c.name));
      await Promise.all(services.map((c) => stopChild(c, graceMs)));
      await Promise.all(children.filter((c) => !services.includes(c)).map((c) => stopChild(c, 5_000)));
      await broker?.stop();
      removeStackFile(stateDir);
      removePidFile(stateDir);
      say('stopped');
      process.exit(code);
    })();
    return stopping;
  };
  process.on('SIGTERM', () => void stopAll(0));
  process.on('SIGINT', () => void stopAll(0));
  // The front process is gone (its terminal closed, or it was killed): stop in order all the same.
  process.stdin.on('end', () => void stopAll(0, 'the terminal went away'));
  process.stdin.resume();

  const start = (
    name: string,
    script: string,
    childEnv: Record<string, string>,
    nodeArgs: string[] = [],
  ): DevChild => {
    if (stopping) throw new Error('stopping');
    const child = spawnNode({ name, args: [...nodeArgs, script], env: childEnv, cwd: root, format });
    children.push(child);
    if (child.process.pid) recordPid({ name, pid: child.process.pid, command: script });
    return child;
  };
  /** A service, started the way `pnpm start:<service>` starts it (its Node flags and environment). */
  const startService = (name: string, service: ServiceName, childEnv: Record<string, string>) => {
    const command = serviceCommand(service);
    return start(name, command.entry, { ...childEnv, ...command.env }, command.nodeArgs);
  };
  const watch = (child: DevChild) =>
    void child.exited.then(({ code, signal }) => {
      if (!child.stopping)
        void stopAll(1, `${child.name} exited (${signal ?? `code ${code}`}); stopping the stack`);
    });

  try {
    say('OmniStream Gateway development stack (for development only, not for production)');
    say(
      hasDotenv
        ? 'configuration: .env and the environment; development values for what they leave unset'
        : 'configuration: no .env, so development values (copy .env.example to .env to change them)',
    );

    // The services run their bundles (`pnpm build`), rebuilt from the sources on every start.
    await buildServices(root);
    const givenBrokers = given('KAFKA_BROKERS');
    await assertPortsFree([
      { port: PORTS.ingestor, what: 'webhook-ingestor' },
      { port: PORTS.gateway, what: 'api-gateway' },
      { port: PORTS.senderOps, what: 'message-sender ops' },
      { port: PORTS.metaSim, what: 'meta-sim' },
      ...(givenBrokers ? [] : [{ port: PORTS.kafka, what: 'development broker' }]),
    ]);

    const databaseUrl = given('DATABASE_URL') ?? DEFAULT_DATABASE_URL;
    const created = await ensureDatabase(databaseUrl);
    say(
      `PostgreSQL: ${describeUrl(databaseUrl)} (${given('DATABASE_URL') ? 'DATABASE_URL' : 'development default'}` +
        `${created ? ', database created' : ''})`,
    );

    const topicNames = loadConfig(z.object({ ...topicsBlock }), env);
    const specs = topicSpecs({
      inbound: topicNames.KAFKA_TOPIC_INBOUND,
      outbound: topicNames.KAFKA_TOPIC_OUTBOUND,
      outboundResults: topicNames.KAFKA_TOPIC_OUTBOUND_RESULTS,
      outboundDlq: topicNames.KAFKA_TOPIC_OUTBOUND_DLQ,
    });
    let brokers: string[];
    if (givenBrokers) {
      brokers = givenBrokers.split(',').map((b) => b.trim());
      say(`Kafka: ${brokers.join(',')} (KAFKA_BROKERS)`);
    } else {
      const started = await startDevBroker({
        port: PORTS.kafka,
        topics: specs,
        maxMessageBytes: { [topicNames.KAFKA_TOPIC_INBOUND]: topicNames.KAFKA_INBOUND_MAX_MESSAGE_BYTES },
        say,
        onStarted: recordPid,
        onLost: (how) => void stopAll(1, `the development broker stopped: ${how}`),
      });
      broker = started;
      brokers = started.brokers;
    }

    const metaSimUrl = `http://127.0.0.1:${PORTS.metaSim}`;
    const ingestorUrl = `http://127.0.0.1:${PORTS.ingestor}`;
    const gatewayUrl = `http://127.0.0.1:${PORTS.gateway}`;
    const senderOpsUrl = `http://127.0.0.1:${PORTS.senderOps}`;
    const graphVersion = /\/(v\d+\.\d+)$/.exec(given('META_API_URL') ?? '')?.[1] ?? 'v21.0';
    const base: Record<string, string> = {};
    for (const [k, v] of Object.entries(env)) if (v !== undefined && v.trim() !== '') base[k] = v;
    for (const [k, v] of Object.entries(DEV_DEFAULTS)) base[k] ??= v;
    const childEnv: Record<string, string> = {
      ...base,
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: brokers.join(','),
      HTTP_HOST: '127.0.0.1',
      WEBHOOK_INGESTOR_PORT: String(PORTS.ingestor),
      API_GATEWAY_PORT: String(PORTS.gateway),
      MESSAGE_SENDER_METRICS_PORT: String(PORTS.senderOps),
      // Every Graph call goes to meta-sim: nothing reaches Meta from a development stack.
      META_API_URL: `${metaSimUrl}/${graphVersion}`,
      INSTAGRAM_API_URL: `${metaSimUrl}/instagram/${graphVersion}`,
      INSTAGRAM_OAUTH_URL: `${metaSimUrl}/instagram`,
      API_GATEWAY_PUBLIC_URL: base.API_GATEWAY_PUBLIC_URL ?? gatewayUrl,
    };
    say(`Graph API: meta-sim at ${metaSimUrl} (nothing is sent to Meta)`);

    if (givenBrokers) await runToEnd(start('topics', 'scripts/create-topics.ts', childEnv));
    await runToEnd(start('migrate', 'packages/db/src/migrate-cli.ts', childEnv));

    const metaSim = start('meta-sim', 'packages/meta-sim/src/meta-sim-cli.ts', {
      ...childEnv,
      META_SIM_PORT: String(PORTS.metaSim),
      META_SIM_HOST: '127.0.0.1',
      META_SIM_GRAPH_VERSION: graphVersion,
      // Status webhooks (sent, delivered, read) of every accepted WhatsApp message, signed with the
      // same app secret the ingestor verifies; a second apart so each step can be watched.
      META_SIM_WEBHOOK_URL: `${ingestorUrl}/webhook/whatsapp`,
      META_SIM_WEBHOOK_DELAY_MS: base.META_SIM_WEBHOOK_DELAY_MS ?? '1000',
    });
    watch(metaSim);
    await waitForHttp(`${metaSimUrl}/_sim/health`, metaSim);

    const ingestor = startService('ingestor', 'webhook-ingestor', childEnv);
    const sender = startService('sender', 'message-sender', childEnv);
    const gateway = startService('gateway', 'api-gateway', childEnv);
    for (const child of [ingestor, sender, gateway]) watch(child);
    await Promise.all([
      waitForHttp(`${ingestorUrl}/healthz`, ingestor),
      waitForHttp(`${senderOpsUrl}/healthz`, sender),
      waitForHttp(`${gatewayUrl}/healthz`, gateway),
    ]);

    writeStackFile(stateDir, {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      ingestorUrl,
      gatewayUrl,
      senderOpsUrl,
      metaSimUrl,
      graphVersion,
      kafka: { brokers, bundled: broker !== null },
      topics: {
        inbound: topicNames.KAFKA_TOPIC_INBOUND,
        outbound: topicNames.KAFKA_TOPIC_OUTBOUND,
        outboundResults: topicNames.KAFKA_TOPIC_OUTBOUND_RESULTS,
        outboundDlq: topicNames.KAFKA_TOPIC_OUTBOUND_DLQ,
      },
      database: describeUrl(databaseUrl),
      integrationsPollIntervalMs: Number(childEnv.INTEGRATIONS_POLL_INTERVAL_MS ?? 30_000),
      adminApiKey: childEnv.ADMIN_API_KEY as string,
      metaAppSecret: childEnv.META_APP_SECRET as string,
    });
    const adminKeyNote = given('ADMIN_API_KEY')
      ? 'ADMIN_API_KEY from your configuration'
      : DEV_DEFAULTS.ADMIN_API_KEY;
    for (const line of [
      'ready:',
      `  webhook-ingestor  ${ingestorUrl}/webhook/whatsapp (…/instagram, …/messenger, …/fbe)`,
      `  api-gateway       ${gatewayUrl}/admin (API docs: ${gatewayUrl}/docs; admin key: ${adminKeyNote})`,
      `  console           ${gatewayUrl}/console (sign in with the admin key)`,
      `  message-sender    ${senderOpsUrl}/metrics (ops only)`,
      `  meta-sim          ${metaSimUrl}/_sim/state (the Graph API stand-in)`,
      `  Kafka             ${brokers.join(',')}${broker ? ' (bundled, development only)' : ''}`,
      `  PostgreSQL        ${describeUrl(databaseUrl)}`,
      'try `pnpm demo` in another terminal; Ctrl-C here (or `pnpm dev --stop` anywhere) stops everything',
    ]) {
      say(line);
    }
  } catch (err) {
    await stopAll(1, `could not start: ${(err as Error).message}`);
  }
}
