import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createLogger, type Logger } from '@omnistream/logger';
import { Kafka, logLevel } from 'kafkajs';
import { freePorts } from './kafka-mokapi.ts';
import { spawnWatchdog } from './process-watchdog.ts';

/**
 * A real single-node Apache Kafka (KRaft, combined broker and controller) run with java from the
 * jars that scripts/setup.sh copies from Maven Central (tools/kafka/pom.xml) into
 * .tools/kafka-<version>/libs: real Kafka on machines without Docker.
 */

const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');
const KAFKA_POM = join(REPO_ROOT, 'tools/kafka/pom.xml');
// scripts/setup.sh writes it after the last jar: a folder without it is an interrupted copy.
const COMPLETE_MARKER = '.complete';
const MIN_JAVA = 17;
const LOG_TAIL_LINES = 40;
const run = promisify(execFile);

export interface StartKafkaFromJarsOptions {
  /** Kafka version whose jars to run; default OMNISTREAM_TEST_KAFKA_VERSION, else the pom's. */
  version?: string;
  /** How long formatting plus start-up may take until the broker answers admin requests. */
  startTimeoutMs?: number;
  logger?: Logger;
  /** Client port (default: a free one); the controller port is always a free one. */
  port?: number;
  /**
   * Adds a SASL_SSL listener on a free port beside the PLAINTEXT one (which stays the inter-broker
   * listener and the one start-up is checked on), as managed clusters serve clients.
   */
  saslSsl?: KafkaJarsSaslSsl;
}

export interface KafkaJarsSaslSsl {
  /** PEM private key (PKCS#8, unencrypted) of the broker's certificate. */
  keyPem: string;
  /** PEM certificate chain the listener presents, the broker's own certificate first. */
  certChainPem: string;
  /** Accepted with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 (SCRAM ones written at format time). */
  users: { name: string; password: string }[];
}

export interface KafkaJarsBroker {
  brokers: string[];
  /** The SASL_SSL listener, when started with `saslSsl`. */
  saslSslBrokers?: string[];
  version: string;
  pid: number;
  /** Scratch directory (config, data, logs) of this instance, removed by stop(). */
  dir: string;
  description: string;
  /** Ends the broker process at once (SIGKILL by default), keeping its data: a crash. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the broker again on the same ports and data (stopping it first if it runs). */
  restart(): Promise<void>;
  /** SIGTERM, SIGKILL after 15 s, then removes `dir`. */
  stop(): Promise<void>;
}

export type KafkaJarsStatus =
  | { available: true; version: string; java: string; libs: string; reason: string }
  | { available: false; version: string; reason: string };

/** The version scripts/setup.sh fetches when OMNISTREAM_TEST_KAFKA_VERSION is not set. */
export function kafkaJarsVersion(): string {
  const fromEnv = process.env.OMNISTREAM_TEST_KAFKA_VERSION?.trim();
  if (fromEnv) return fromEnv;
  // The pom is the one place the default is written down, for setup.sh and for us.
  const pom = readFileSync(KAFKA_POM, 'utf8');
  const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
  if (!version) throw new Error(`no <kafka.version> in ${KAFKA_POM}`);
  return version.trim();
}

export function kafkaJarsDir(version: string): string {
  return join(REPO_ROOT, '.tools', `kafka-${version}`, 'libs');
}

/**
 * Whether Kafka `version` can be run from jars here, and if not why, in words fit for the
 * "no Kafka-protocol broker" error (no java, java too old, jars missing).
 */
export async function kafkaJarsStatus(version: string = kafkaJarsVersion()): Promise<KafkaJarsStatus> {
  const java = await findJava();
  if (!java.ok) return { available: false, version, reason: java.reason };
  const libs = kafkaJarsDir(version);
  if (!existsSync(join(libs, '..', COMPLETE_MARKER))) {
    const again = version === kafkaJarsVersion() ? '' : `OMNISTREAM_TEST_KAFKA_VERSION=${version} `;
    return {
      available: false,
      version,
      reason: `Kafka ${version} jars missing in ${libs} (run ${again}scripts/setup.sh)`,
    };
  }
  return {
    available: true,
    version,
    java: java.path,
    libs,
    reason: `Kafka ${version} jars in ${libs}, ${java.description}`,
  };
}

async function findJava(): Promise<
  { ok: true; path: string; description: string } | { ok: false; reason: string }
> {
  // JAVA_HOME first, as Kafka's own bin/kafka-run-class.sh does.
  const home = process.env.JAVA_HOME?.trim();
  const path = home ? join(home, 'bin', 'java') : 'java';
  let banner: string;
  try {
    // `java -version` prints to stderr.
    const { stderr, stdout } = await run(path, ['-version'], { timeout: 10_000 });
    banner = `${stderr}${stdout}`;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      ok: false,
      reason:
        code === 'ENOENT'
          ? `no java (${home ? `JAVA_HOME=${home} has no bin/java` : 'not on PATH'}); Kafka needs Java >= ${MIN_JAVA}`
          : `${path} -version failed: ${(err as Error).message}`,
    };
  }
  const first = banner.split('\n')[0]?.trim() ?? '';
  // 'openjdk version "17.0.15" 2025-04-15'; Java 8 says "1.8.0_…", i.e. major 1: too old as well.
  const major = Number(/version "(\d+)/.exec(banner)?.[1]);
  if (!Number.isFinite(major)) return { ok: false, reason: `cannot tell the Java version from "${first}"` };
  if (major < MIN_JAVA) {
    return { ok: false, reason: `java is too old (${first}); Kafka needs Java >= ${MIN_JAVA}` };
  }
  return { ok: true, path, description: first };
}

/** Starts Kafka from the jars on free loopback ports; resolves once it answers admin requests. */
export async function startKafkaFromJars(options: StartKafkaFromJarsOptions = {}): Promise<KafkaJarsBroker> {
  const logger = options.logger ?? createLogger({ name: 'test-kafka-jars', level: 'warn' });
  const status = await kafkaJarsStatus(options.version ?? kafkaJarsVersion());
  if (!status.available) throw new Error(`cannot run Kafka from jars: ${status.reason}`);
  let lastError: unknown;
  // A free port can be taken by someone else between our probe and the broker's bind: try again.
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await startOnce(status, options.startTimeoutMs ?? 60_000, logger, options.port, options.saslSsl);
    } catch (err) {
      lastError = err;
      if (!(err instanceof PortTakenError)) throw err;
      logger.warn({ attempt }, 'a port picked for Kafka was taken meanwhile; trying others');
    }
  }
  throw lastError;
}

class PortTakenError extends Error {}

async function startOnce(
  status: Extract<KafkaJarsStatus, { available: true }>,
  timeoutMs: number,
  logger: Logger,
  fixedPort: number | undefined,
  saslSsl: KafkaJarsSaslSsl | undefined,
): Promise<KafkaJarsBroker> {
  const { version, java, libs } = status;
  const started = Date.now();
  const [freePort, controllerPort, saslSslPort] = await freePorts(3);
  const port = fixedPort ?? freePort;
  if (port === undefined || controllerPort === undefined || saslSslPort === undefined) {
    throw new Error('found no free TCP ports');
  }
  const host = '127.0.0.1';
  const dir = await mkdtemp(join(tmpdir(), `omnistream-kafka-${version}-`));
  const logFile = join(dir, 'server.log');
  // What the JVM itself says (a crash, a missing class) goes to stdout/stderr, not through log4j.
  const consoleFile = join(dir, 'console.log');
  const classpath = `${libs}/*`;
  const quorum = dynamicQuorum(version) ? 'dynamic' : 'static';
  const clusterId = randomClusterId();
  const logTail = async () => `${await tailOf(logFile)}\n${await tailOf(consoleFile)}`.trim();

  let child: ChildProcess | null = null;
  let watchdog: ChildProcess | null = null;
  const killOnExit = () => {
    if (child?.pid) killGroup(child.pid, 'SIGKILL');
  };
  const cleanup = async () => {
    process.removeListener('exit', killOnExit);
    watchdog?.kill();
    if (child) await terminate(child);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const keystore = join(dir, 'sasl-ssl-keystore.pem');
    if (saslSsl) await writeFile(keystore, `${saslSsl.keyPem.trim()}\n${saslSsl.certChainPem.trim()}\n`);
    await writeFile(
      join(dir, 'server.properties'),
      serverProperties({
        version,
        host,
        port,
        controllerPort,
        quorum,
        dataDir: join(dir, 'data'),
        ...(saslSsl ? { saslSsl: { port: saslSslPort, keystore, users: saslSsl.users } } : {}),
      }),
    );
    await writeFile(join(dir, 'log4j2.xml'), log4jConfig(logFile));

    // The cluster id is made here rather than by `StorageTool random-uuid`: one JVM start fewer.
    const format = [
      '-cp',
      classpath,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      join(dir, 'server.properties'),
      // A single-voter dynamic quorum (KIP-853, 3.9+), the layout Kafka 4 documents; older
      // versions only know controller.quorum.voters and format without it.
      ...(quorum === 'dynamic' ? ['--standalone'] : []),
      // SCRAM credentials live in the cluster metadata; with KRaft they can be written at format time.
      ...(saslSsl?.users ?? []).flatMap(({ name, password }) =>
        ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((m) => [
          '--add-scram',
          `${m}=[name=${name},password=${password}]`,
        ]),
      ),
    ];
    try {
      await run(java, format, { cwd: dir, timeout: timeoutMs, env: jvmEnv(dir) });
    } catch (err) {
      // execFile's message already ends with the tool's stderr.
      const e = err as Error & { stdout?: string };
      throw new Error(`formatting Kafka ${version} storage failed: ${e.message}\n${e.stdout ?? ''}`.trim(), {
        cause: err,
      });
    }
    const formatted = Date.now();

    // Spawns the JVM on the formatted directory and waits until it serves; restart() runs it again.
    const launch = async (): Promise<number> => {
      const out = await open(consoleFile, 'a');
      let spawnError: Error | null = null;
      try {
        child = spawn(
          java,
          [
            '-Xms256m',
            '-Xmx512m',
            '-Djava.awt.headless=true',
            `-Dlog4j2.configurationFile=${join(dir, 'log4j2.xml')}`,
            '-cp',
            classpath,
            'kafka.Kafka',
            join(dir, 'server.properties'),
          ],
          // Its own process group: a Ctrl-C meant for the test run does not take the broker down
          // under the tests still running; stop(), the exit hook and the watchdog end it instead.
          { cwd: dir, detached: true, stdio: ['ignore', out.fd, out.fd], env: jvmEnv(dir) },
        );
        // Attached at once: an 'error' without a listener would crash the test run.
        child.once('error', (err) => {
          spawnError = err;
        });
      } finally {
        // The child has its own copy of the descriptor.
        await out.close();
      }
      const pid = child.pid;
      if (pid === undefined) {
        await new Promise((r) => setImmediate(r));
        throw new Error(`could not start ${java}: ${(spawnError as Error | null)?.message ?? 'no pid'}`);
      }
      // A test run that dies without calling stop() must not leave a broker behind.
      process.removeListener('exit', killOnExit);
      process.once('exit', killOnExit);
      // 'exit' does not run when this process is killed outright (vitest kills hung workers), and
      // a detached broker outlives us: a tiny watchdog process kills it once we are gone.
      watchdog?.kill();
      watchdog = spawnWatchdog(pid, dir);
      await waitUntilServing({ child, brokers: [`${host}:${port}`], clusterId, timeoutMs, version });
      return pid;
    };
    const pid = await launch();
    const ready = Date.now();
    logger.info(
      { version, pid, port, formatMs: formatted - started, startMs: ready - formatted },
      'Kafka from jars is serving',
    );

    let stopped: Promise<void> | null = null;
    const broker: KafkaJarsBroker = {
      brokers: [`${host}:${port}`],
      ...(saslSsl ? { saslSslBrokers: [`${host}:${saslSslPort}`] } : {}),
      version,
      pid,
      dir,
      async kill(signal = 'SIGKILL') {
        const current = child;
        if (!current || current.exitCode !== null || current.signalCode !== null) return;
        const exited = new Promise((resolve) => current.once('exit', resolve));
        killGroup(current.pid as number, signal);
        await exited;
      },
      async restart() {
        if (child && child.exitCode === null && child.signalCode === null) await terminate(child);
        broker.pid = await launch();
      },
      description: `Apache Kafka ${version} (KRaft, from jars in ${libs}, pid ${pid}) at ${host}:${port}, ready in ${ready - started} ms`,
      stop: () => {
        stopped ??= cleanup();
        return stopped;
      },
    };
    return broker;
  } catch (err) {
    const tail = await logTail();
    await cleanup();
    if (/address already in use/i.test(tail)) throw new PortTakenError(`port taken: ${tail}`);
    const log = tail ? `\n--- Kafka ${version} log (last lines) ---\n${tail}` : '';
    throw new Error(`${(err as Error).message}${log}`, { cause: err });
  }
}

/** KIP-853's dynamic quorum (`--standalone`, controller.quorum.bootstrap.servers) is 3.9+. */
function dynamicQuorum(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 3 || (major === 3 && minor >= 9);
}

// Kafka's Uuid.toString: 16 random bytes, base64url without padding. Kafka's own generator rejects
// ids starting with "-" because they read as command-line flags; so do we.
function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties(args: {
  version: string;
  host: string;
  port: number;
  controllerPort: number;
  quorum: 'dynamic' | 'static';
  dataDir: string;
  saslSsl?: { port: number; keystore: string; users: KafkaJarsSaslSsl['users'] };
}): string {
  const { host, port, controllerPort, saslSsl } = args;
  const major = Number(args.version.split('.')[0]);
  const saslSslListener = saslSsl ? `,SASL_SSL://${host}:${saslSsl.port}` : '';
  const lines = [
    'process.roles=broker,controller',
    'node.id=1',
    args.quorum === 'dynamic'
      ? `controller.quorum.bootstrap.servers=${host}:${controllerPort}`
      : `controller.quorum.voters=1@${host}:${controllerPort}`,
    `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}${saslSslListener}`,
    `advertised.listeners=PLAINTEXT://${host}:${port}${saslSslListener}`,
    'inter.broker.listener.name=PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    `listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${saslSsl ? ',SASL_SSL:SASL_SSL' : ''}`,
    `log.dirs=${args.dataDir}`,
    // One broker: every internal topic with one replica, or it can never be created.
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    // Internal topics are created on first use (the first consumer group, the first transaction);
    // the defaults of 50 partitions each make that first use take seconds.
    'offsets.topic.num.partitions=1',
    'transaction.state.log.num.partitions=1',
    // Tests join a group and expect messages at once; the default 3 s wait for more members
    // would be added to every consumer's start.
    'group.initial.rebalance.delay.ms=0',
    // As in production: topics are created explicitly (ensureTopics), a typo must not make one.
    'auto.create.topics.enable=false',
    'num.partitions=3',
    // The log cleaner reserves 128 MB of heap by default for __consumer_offsets compaction;
    // test data never needs that much.
    'log.cleaner.dedupe.buffer.size=16777216',
    'num.network.threads=2',
    'num.io.threads=4',
    'num.recovery.threads.per.data.dir=1',
  ];
  if (saslSsl) lines.push(...saslSslProperties(saslSsl));
  if (major >= 4) {
    // Kafka 4's share groups (KIP-932) have an internal topic of their own; 3.x does not know it.
    lines.push(
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      'share.coordinator.state.topic.num.partitions=1',
    );
  }
  return `${lines.join('\n')}\n`;
}

// The SASL_SSL listener's own settings (listener.name.<listener>.<mechanism>.sasl.jaas.config, see
// https://kafka.apache.org/documentation/#security_sasl_brokerconfig); a PEM keystore file holds the
// key and the chain (KIP-651, https://cwiki.apache.org/confluence/display/KAFKA/KIP-651+-+Support+PEM+format+for+SSL+certificates+and+private+key).
function saslSslProperties(saslSsl: { keystore: string; users: KafkaJarsSaslSsl['users'] }): string[] {
  const plainUsers = saslSsl.users.map((u) => ` user_${u.name}="${u.password}"`).join('');
  return [
    'sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
    `listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required${plainUsers};`,
    'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'listener.name.sasl_ssl.ssl.keystore.type=PEM',
    `listener.name.sasl_ssl.ssl.keystore.location=${saslSsl.keystore}`,
  ];
}

// WARN from everything, INFO from the lines that say the server started or stopped: enough to see
// why a broker died without filling the temp dir during a long run.
function log4jConfig(logFile: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="warn">
  <Appenders>
    <File name="file" fileName="${escapeXml(logFile)}" append="true">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </File>
  </Appenders>
  <Loggers>
    <Root level="warn"><AppenderRef ref="file"/></Root>
    <Logger name="kafka.server.KafkaRaftServer" level="info"/>
    <Logger name="kafka.server.BrokerServer" level="info"/>
    <Logger name="kafka.server.ControllerServer" level="info"/>
  </Loggers>
</Configuration>
`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// Options meant for someone's own Kafka scripts or JVMs must not change ours (heap, agents).
function jvmEnv(dir: string): NodeJS.ProcessEnv {
  const {
    JAVA_TOOL_OPTIONS: _a,
    JDK_JAVA_OPTIONS: _b,
    KAFKA_OPTS: _c,
    KAFKA_HEAP_OPTS: _d,
    ...env
  } = process.env;
  return { ...env, LOG_DIR: dir };
}

async function waitUntilServing(args: {
  child: ChildProcess;
  brokers: string[];
  clusterId: string;
  timeoutMs: number;
  version: string;
}): Promise<void> {
  const { child, brokers, version } = args;
  const deadline = Date.now() + args.timeoutMs;
  let exited: string | null = null;
  const onExit = (code: number | null, signal: string | null) => {
    exited = `Kafka ${version} exited early (code ${code}, signal ${signal})`;
  };
  child.once('exit', onExit);
  const kafka = new Kafka({
    brokers,
    clientId: 'omnistream-harness',
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    retry: { retries: 0 },
  });
  let lastError = 'no answer yet';
  try {
    for (;;) {
      if (exited) throw new Error(exited);
      if (Date.now() > deadline) {
        throw new Error(
          `Kafka ${version} did not answer admin requests on ${brokers.join(',')} in ${args.timeoutMs} ms (last: ${lastError})`,
        );
      }
      const admin = kafka.admin();
      try {
        await admin.connect();
        // Metadata alone can answer before the broker has registered with its controller;
        // listTopics goes through the same path the tests use.
        const cluster = await admin.describeCluster();
        await admin.listTopics();
        // Something else on a port we thought free would have another cluster id.
        if (cluster.clusterId !== args.clusterId) {
          throw new Error(`the broker on ${brokers.join(',')} is cluster ${cluster.clusterId}, not ours`);
        }
        if (cluster.brokers.length > 0) return;
        lastError = 'no broker registered yet';
      } catch (err) {
        if ((err as Error).message.includes('not ours')) throw err;
        lastError = (err as Error).message;
      } finally {
        await admin.disconnect().catch(() => {});
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    child.removeListener('exit', onExit);
  }
}

async function tailOf(file: string): Promise<string> {
  try {
    const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim() !== '');
    return lines.slice(-LOG_TAIL_LINES).join('\n');
  } catch {
    return '';
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // The broker leads its own process group (detached): kill all of it.
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** SIGTERM (Kafka shuts down cleanly), then SIGKILL if it is still there after 15 s. */
async function terminate(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(pid, 'SIGTERM');
  const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
