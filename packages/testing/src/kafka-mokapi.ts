import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer, type Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { type MokapiTopic, mokapiSpec } from './kafka-spec.ts';
import { spawnWatchdog } from './process-watchdog.ts';
import { until } from './until.ts';

export interface MokapiBroker {
  brokers: string[];
  pid: number;
  binary: string;
  /** Scratch directory of this instance, removed by stop(). */
  dir: string;
  stop(): Promise<void>;
  /**
   * Resolves if the process ends without stop() (mokapi 0.52 occasionally panics under load),
   * with how it ended and its last log lines.
   */
  exited: Promise<string>;
}

export interface StartMokapiOptions {
  topics: readonly MokapiTopic[];
  /** How long mokapi may take to accept Kafka connections. */
  startTimeoutMs?: number;
  /**
   * A fixed Kafka port instead of a free one: an outage test stops its broker and starts a new one
   * on the same address, the way a real broker restarts.
   */
  port?: number;
}

const LOG_TAIL_LINES = 40;

/**
 * The Go binary inside the pinned go-mokapi npm package. It is spawned directly: killing the node
 * wrapper (`bin/mokapi.js`) would leave the Go process running.
 */
export function resolveMokapiBinary(): string {
  const require = createRequire(import.meta.url);
  let wrapperPackage: string;
  try {
    wrapperPackage = require.resolve('go-mokapi/package.json');
  } catch {
    throw new Error('go-mokapi is not installed in packages/testing (run pnpm install)');
  }
  const platformPackage = `@go-mokapi/${process.platform}-${process.arch}`;
  let binary: string;
  try {
    // Each platform package's main module exports the absolute path of its binary.
    binary = createRequire(wrapperPackage)(platformPackage) as string;
  } catch {
    throw new Error(
      `${platformPackage} (mokapi's binary for this platform) is not installed; run pnpm install`,
    );
  }
  if (!existsSync(binary)) throw new Error(`mokapi binary missing at ${binary}`);
  return binary;
}

/** Starts mokapi on free ports serving `topics`; resolves once it answers Kafka metadata requests. */
export async function startMokapi(options: StartMokapiOptions): Promise<MokapiBroker> {
  const binary = resolveMokapiBinary();
  const first = options.topics[0];
  if (!first) throw new Error('mokapi needs at least one topic to serve');
  let lastError: unknown;
  // A free port can be taken by someone else between our probe and mokapi's bind: try again.
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await startOnce(binary, options, first.name);
    } catch (err) {
      lastError = err;
      if (!(err instanceof PortTakenError) || options.port !== undefined) throw err;
    }
  }
  throw lastError;
}

class PortTakenError extends Error {}

async function startOnce(
  binary: string,
  options: StartMokapiOptions,
  probeTopic: string,
): Promise<MokapiBroker> {
  const [freeKafkaPort, apiPort] = await freePorts(2);
  const kafkaPort = options.port ?? freeKafkaPort;
  if (kafkaPort === undefined || apiPort === undefined) throw new Error('found no free TCP ports');
  const host = '127.0.0.1';
  const spec = mokapiSpec({ host, port: kafkaPort, topics: options.topics });
  const dir = await mkdtemp(join(tmpdir(), 'omnistream-mokapi-'));
  // mokapi watches the directory of its providers file and loads every file in it (it even runs
  // .js files as mokapi scripts), so the spec gets a directory of its own.
  const specFile = join(dir, 'spec', 'kafka.yaml');
  try {
    await mkdir(join(dir, 'spec'));
    await writeFile(specFile, spec);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  const child = spawn(
    binary,
    [
      `--api-port=${apiPort}`,
      '--health-enabled=false',
      '--mcp-server-enabled=false',
      '--api-dashboard=false',
      // mokapi keeps every record in a second, dashboard-only event store as well; without it the
      // broker does about half the work per record (measured: ~2,100 → ~3,700 records/s).
      '--event-store-default-size=0',
      // …and indexes every record for the dashboard's search (bleve), which was most of its CPU:
      // producing 10,000 records of 400 bytes took 4.35 s of mokapi CPU with it, 0.62 s without.
      '--api-search-enabled=false',
      '--log-level=warn',
      `--providers-file-filename=${specFile}`,
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const tail: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      // Every TCP probe (ours and kafkajs' closing sockets) is logged as "unexpected EOF": noise.
      if (line.trim() === '' || line.includes('unexpected EOF')) continue;
      tail.push(line);
      if (tail.length > LOG_TAIL_LINES) tail.shift();
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  // A test run that dies without calling stop() must not leave a broker behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  // 'exit' does not run when this process is killed outright (vitest kills hung workers): a tiny
  // watchdog process kills mokapi once we are gone.
  const watchdog = spawnWatchdog(child.pid as number, dir);

  const cleanup = async () => {
    process.removeListener('exit', killOnExit);
    watchdog.kill();
    await terminate(child);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilServing({
      child,
      host,
      port: kafkaPort,
      probeTopic,
      timeoutMs: options.startTimeoutMs ?? 20_000,
    });
  } catch (err) {
    await cleanup();
    const logTail = tail.join('\n');
    if (/address already in use/i.test(logTail)) throw new PortTakenError(`port taken: ${logTail}`);
    throw new Error(`${(err as Error).message}\n--- mokapi log (last lines) ---\n${logTail}`, { cause: err });
  }

  let stopped: Promise<void> | null = null;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      if (!stopped)
        resolve(`exit code ${code}, signal ${signal}\n--- mokapi log (last lines) ---\n${tail.join('\n')}`);
    });
  });
  return {
    brokers: [`${host}:${kafkaPort}`],
    pid: child.pid as number,
    binary,
    dir,
    exited,
    stop: () => {
      stopped ??= cleanup();
      return stopped;
    },
  };
}

async function waitUntilServing(args: {
  child: ChildProcess;
  host: string;
  port: number;
  probeTopic: string;
  timeoutMs: number;
}): Promise<void> {
  const { child, host, port } = args;
  let exited: string | null = null;
  const onExit = (code: number | null, signal: string | null) => {
    exited = `mokapi exited early (code ${code}, signal ${signal})`;
  };
  const onError = (err: Error) => {
    exited = `mokapi could not be started: ${err.message}`;
  };
  child.once('exit', onExit);
  child.once('error', onError);
  try {
    // Stops early when the process died: no use waiting for it.
    await until(() => exited !== null || accepts(host, port), Boolean, args.timeoutMs, 50).catch(() => {
      throw new Error(`mokapi did not accept connections on ${host}:${port} in ${args.timeoutMs} ms`);
    });
    if (exited) throw new Error(exited);
    // Accepting TCP could be someone else on a port we thought free: make sure it is our broker.
    const admin = new Kafka({
      brokers: [`${host}:${port}`],
      clientId: 'omnistream-harness',
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      const topics = await admin.listTopics();
      if (!topics.includes(args.probeTopic)) {
        throw new Error(`the broker on ${host}:${port} does not serve ${args.probeTopic}: not our mokapi`);
      }
    } finally {
      await admin.disconnect();
    }
  } finally {
    child.removeListener('exit', onExit);
    child.removeListener('error', onError);
  }
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.connect(port, host);
  });
}

/** SIGTERM, then SIGKILL if it is still there after 5 s. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Ports the OS considers free right now, all different (every listener stays open until the end). */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, () => resolve());
      });
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no TCP address');
      ports.push(address.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}
