// `pnpm dev`: the whole gateway on this machine, no Docker. Reads .env when there is one and fills
// in development values for what it leaves unset; starts Apache Kafka from the jars scripts/setup.sh
// fetched (mokapi, an imitation, only where there is no Java 17) unless KAFKA_BROKERS names one; creates and migrates the database; starts meta-sim as the Graph
// API and the three services against it, each child's log prefixed with its name. Ctrl-C stops the
// services first (SIGTERM, they finish in-flight work), then meta-sim, then the broker.
//
// Two processes: this one stays in the terminal's process group and turns Ctrl-C into one SIGTERM
// for a supervisor running in a process group of its own. Otherwise the terminal would SIGINT every
// child at once: the broker would vanish while the services still flush to it, and the services
// would get a second signal from us mid-shutdown.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeUrl, kafkaJarsStatus, startKafkaFromJars, startMokapi } from '@omnistream/testing/harness';
import { loadConfig, readEnv, topicsBlock, z } from '../packages/config/src/index.ts';
import { createPool } from '../packages/db/src/index.ts';
import { createKafka, ensureTopics, topicSpecs } from '../packages/kafka/src/index.ts';
import { createLogger } from '../packages/logger/src/index.ts';
import { createLineFormatter } from './dev/log-format.ts';
import {
  assertPortsFree,
  type DevChild,
  runToEnd,
  spawnNode,
  stopChild,
  waitForHttp,
} from './dev/processes.ts';
import { removeStackFile, writeStackFile } from './dev/stack-file.ts';
import { type ServiceName, serviceCommand } from './service-command.ts';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);

/**
 * Ports of the development stack: next to, not on, the services' defaults (3000-3002, 4010, 9092),
 * so a `pnpm start:*` or another tool using those keeps working alongside.
 */
const PORTS = { ingestor: 3100, gateway: 3101, senderOps: 3102, metaSim: 4110, kafka: 19092 };
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

if (args.includes('--supervise')) await supervise();
else front();

function front(): void {
  const child = spawn(process.execPath, [import.meta.filename, '--supervise', ...args], {
    cwd: root,
    detached: true,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  let signals = 0;
  const onSignal = () => {
    signals += 1;
    if (signals === 1) child.kill('SIGTERM');
    else if (signals === 2) console.error('[dev] still stopping; press Ctrl-C again to kill everything now');
    else if (child.pid) process.kill(-child.pid, 'SIGKILL');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

async function supervise(): Promise<void> {
  const format = createLineFormatter({
    color: Boolean(process.stdout.isTTY),
    raw: args.includes('--raw'),
    names: NAMES,
  });
  const say = (line: string) => console.log(format('dev', line));
  const hasDotenv = existsSync(join(root, '.env'));
  const env = readEnv({ dotenvPath: join(root, '.env') });
  const given = (key: string) => {
    const value = env[key]?.trim();
    return value ? value : undefined;
  };
  const graceMs = Number(given('SHUTDOWN_TIMEOUT_MS') ?? 10_000) + 5_000;
  const children: DevChild[] = [];
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
      removeStackFile(root);
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
      const jars = await kafkaJarsStatus();
      if (jars.available) {
        say(
          `Kafka: KAFKA_BROKERS is unset, starting Apache Kafka ${jars.version} from the jars on 127.0.0.1:${PORTS.kafka}`,
        );
        const started = await startKafkaFromJars({ port: PORTS.kafka });
        broker = started;
        brokers = started.brokers;
        const quiet = createLogger({ name: 'dev-topics', level: 'warn' });
        await ensureTopics({
          kafka: createKafka({ brokers, clientId: 'omnistream-dev', logger: quiet }),
          topics: specs,
          logger: quiet,
        });
        say(`Kafka: ${started.description}; its data is a scratch folder, gone when pnpm dev stops`);
      } else {
        say(
          `Kafka: KAFKA_BROKERS is unset and Apache Kafka cannot run here (${jars.reason}); starting the ` +
            `bundled mokapi broker on 127.0.0.1:${PORTS.kafka} instead`,
        );
        const started = await startMokapi({
          topics: specs.map((s) => ({ name: s.topic, partitions: s.numPartitions })),
          port: PORTS.kafka,
        });
        broker = started;
        brokers = started.brokers;
        void started.exited.then((how) => void stopAll(1, `the development broker stopped: ${how}`));
        say(
          'Kafka: mokapi is a Kafka-protocol imitation from npm, a fallback for machines without Java 17: ' +
            'DEVELOPMENT ONLY, events kept in memory. Install Java 17 and run scripts/setup.sh for real Kafka, ' +
            'or set KAFKA_BROKERS.',
        );
      }
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

    writeStackFile(root, {
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
      `  message-sender    ${senderOpsUrl}/metrics (ops only)`,
      `  meta-sim          ${metaSimUrl}/_sim/state (the Graph API stand-in)`,
      `  Kafka             ${brokers.join(',')}${broker ? ' (bundled, development only)' : ''}`,
      `  PostgreSQL        ${describeUrl(databaseUrl)}`,
      'try `pnpm demo` in another terminal; Ctrl-C here stops everything',
    ]) {
      say(line);
    }
  } catch (err) {
    await stopAll(1, `could not start: ${(err as Error).message}`);
  }
}

/** Connects to `url`'s database, creating it first when it does not exist; true when created. */
async function ensureDatabase(url: string): Promise<boolean> {
  const logger = createLogger({ name: 'dev', level: 'silent' });
  const probe = createPool({ connectionString: url, max: 1, logger, applicationName: 'omnistream-dev' });
  try {
    await probe.query('SELECT 1');
    return false;
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000') {
      throw new Error(
        `PostgreSQL at ${describeUrl(url)} does not answer (${(err as Error).message}); start it, or set DATABASE_URL`,
      );
    }
  } finally {
    await probe.end();
  }
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const admin = createPool({ connectionString: maintenance.toString(), max: 1, logger });
  try {
    await admin.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
    return true;
  } catch (err) {
    // 42P04: created by someone else in between.
    if ((err as { code?: string }).code === '42P04') return false;
    throw new Error(`cannot create database ${name} at ${describeUrl(url)}: ${(err as Error).message}`);
  } finally {
    await admin.end();
  }
}
