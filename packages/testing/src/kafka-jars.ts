import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type Logger } from '@omnistream/logger';
import {
  dynamicQuorum,
  jvmEnv,
  log4jConfig,
  randomClusterId,
  serverProperties,
} from './kafka-jars-config.ts';
import { type KafkaJarsStatus, kafkaJarsStatus, kafkaJarsVersion, run } from './kafka-jars-install.ts';
import { killGroup, tailOf, terminate, waitUntilServing } from './kafka-jars-process.ts';
import { freePorts } from './kafka-mokapi.ts';
import { spawnWatchdog } from './process-watchdog.ts';

export {
  type KafkaJarsStatus,
  kafkaJarsDir,
  kafkaJarsStatus,
  kafkaJarsVersion,
} from './kafka-jars-install.ts';

/**
 * A real single-node Apache Kafka (KRaft, combined broker and controller) run with java from the
 * jars that scripts/setup.sh copies from Maven Central (tools/kafka/pom.xml) into
 * .tools/kafka-<version>/libs: real Kafka on machines without Docker.
 */

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
