// `pnpm dev` as a user runs it: the whole stack started as a child process on ports of its own,
// then stopped the ways a user stops it. Whatever the way, no process of the stack may be left and
// every port must be free again. The stack's processes are found independently of what dev.ts
// reports: every descendant inherits DEV_STATE_DIR, unique to each test, so /proc names them.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, until, useTestDatabase } from '@omnistream/testing';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const DEV = join(ROOT, 'scripts/dev.ts');
const START_DEADLINE_MS = 60_000;

interface Stack {
  /** The process the test started: `node scripts/dev.ts`, or the shell around it. */
  child: ChildProcess;
  exited: Promise<unknown>;
  env: Record<string, string>;
  stateDir: string;
  ports: number[];
  output: string[];
}

/** Pids (with their command lines) of every process that inherited this stack's DEV_STATE_DIR. */
function stackProcesses(stateDir: string): { pid: number; command: string }[] {
  const marker = `DEV_STATE_DIR=${stateDir}\0`;
  const found: { pid: number; command: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/environ`, 'latin1').includes(marker)) continue;
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      // A zombie has no command line left: it holds no port and no memory.
      if (command !== '') found.push({ pid: Number(entry), command });
    } catch {
      // Ended while we looked.
    }
  }
  return found;
}

/** Local address of every listening TCP socket of `pids`, as "address:port". */
function listeningAddresses(pids: number[]): string[] {
  const inodes = new Set<string>();
  for (const pid of pids) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`, { encoding: 'utf8' });
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode) inodes.add(inode);
      }
    } catch {
      // Ended while we looked.
    }
  }
  const addresses: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // st 0A is LISTEN.
      if (cols[3] !== '0A' || !inodes.has(cols[9] as string)) continue;
      const [hex, port] = (cols[1] as string).split(':') as [string, string];
      addresses.push(`${decodeAddress(hex)}:${Number.parseInt(port, 16)}`);
    }
  }
  return addresses;
}

function decodeAddress(hex: string): string {
  // /proc/net/tcp*: each 32-bit word in host (little-endian) order.
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse().map((b) => Number.parseInt(b, 16)));
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255)
    return `::ffff:${bytes.slice(12).join('.')}`;
  return bytes.every((b, i) => b === (i === 15 ? 1 : 0)) ? '::1' : `ipv6:${hex}`;
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('pnpm dev (scripts/dev.ts): start, then stop every way a user stops it', () => {
  const db = useTestDatabase();
  let stack: Stack | undefined;

  afterEach(() => {
    // A failed test must not leave a stack behind for the next one.
    if (stack) for (const { pid } of stackProcesses(stack.stateDir)) process.kill(pid, 'SIGKILL');
    stack = undefined;
  });

  async function startStack(via: 'node' | 'shell'): Promise<Stack> {
    const stateDir = mkdtempSync(join(tmpdir(), 'omni-dev-stack-'));
    const ports = await freePorts(5);
    const [ingestor, gateway, sender, metaSim, kafka] = ports.map(String);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      ...(process.env.JAVA_HOME ? { JAVA_HOME: process.env.JAVA_HOME } : {}),
      ...(process.env.OMNISTREAM_TEST_KAFKA_VERSION
        ? { OMNISTREAM_TEST_KAFKA_VERSION: process.env.OMNISTREAM_TEST_KAFKA_VERSION }
        : {}),
      DATABASE_URL: db.url,
      // Empty wins over a developer's .env: the stack starts its own broker.
      KAFKA_BROKERS: '',
      WEBHOOK_INGESTOR_PORT: ingestor as string,
      API_GATEWAY_PORT: gateway as string,
      MESSAGE_SENDER_METRICS_PORT: sender as string,
      DEV_META_SIM_PORT: metaSim as string,
      DEV_KAFKA_PORT: kafka as string,
      DEV_STATE_DIR: stateDir,
      LOG_LEVEL: 'warn',
    };
    const child =
      via === 'node'
        ? spawn(process.execPath, [DEV], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
        : // `; exit $?` keeps the shell as the parent, as pnpm's own shell is.
          spawn('sh', ['-c', `"${process.execPath}" "${DEV}"; exit $?`], {
            cwd: ROOT,
            env,
            stdio: ['ignore', 'pipe', 'pipe'],
          });
    const output: string[] = [];
    child.stdout?.on('data', (d) => output.push(String(d)));
    child.stderr?.on('data', (d) => output.push(String(d)));
    stack = { child, exited: once(child, 'exit'), env, stateDir, ports, output };

    const started = Date.now();
    await until(
      async () => {
        if (child.exitCode !== null) throw new Error(`pnpm dev exited early:\n${output.join('')}`);
        return fetch(`http://127.0.0.1:${gateway}/readyz`).then(
          (r) => r.status === 200,
          () => false,
        );
      },
      Boolean,
      START_DEADLINE_MS,
      200,
    ).catch((err: Error) => {
      throw new Error(
        `the api-gateway of pnpm dev does not answer /readyz: ${err.message}\n${output.join('')}`,
      );
    });
    expect(Date.now() - started).toBeLessThan(START_DEADLINE_MS);
    return stack;
  }

  async function expectAllGone(s: Stack): Promise<void> {
    const left = await until(
      () => stackProcesses(s.stateDir),
      (procs) => procs.length === 0,
      45_000,
      200,
    ).catch(() => stackProcesses(s.stateDir));
    expect(left, s.output.join('')).toEqual([]);
    for (const port of s.ports) expect(await portFree(port), `port ${port} is free`).toBe(true);
    expect(existsSync(join(s.stateDir, 'pids.json'))).toBe(false);
  }

  it('runs every piece, each listening on 127.0.0.1 only, and SIGTERM to it stops them all', async () => {
    const s = await startStack('node');
    const procs = stackProcesses(s.stateDir);
    const commands = procs.map((p) => p.command).join('\n');
    for (const piece of [
      'services/webhook-ingestor/dist/main.js',
      'services/message-sender/dist/main.js',
      'services/api-gateway/dist/main.js',
      'packages/meta-sim/src/meta-sim-cli.ts',
      'kafka.Kafka',
    ]) {
      expect(commands).toContain(piece);
    }
    // The gateway's /readyz says it is up; the other pieces may still be binding their ports.
    const addressesNow = () => listeningAddresses(stackProcesses(s.stateDir).map((p) => p.pid));
    const listening = await until(
      addressesNow,
      (addresses) => s.ports.every((port) => addresses.some((a) => a.endsWith(`:${port}`))),
      30_000,
      200,
    ).catch(addressesNow);
    for (const port of s.ports)
      expect(
        listening.some((a) => a.endsWith(`:${port}`)),
        `port ${port}`,
      ).toBe(true);
    // The broker's controller listener too: nothing on 0.0.0.0, ::, or another interface.
    expect(listening.filter((a) => !/^(127\.0\.0\.1|::ffff:127\.0\.0\.1|::1):\d+$/.test(a))).toEqual([]);

    // The api-gateway runs the retention purge (its metric is registered at start-up).
    const metrics = await fetch(`http://127.0.0.1:${s.ports[1]}/metrics`).then((r) => r.text());
    expect(metrics).toContain('# TYPE omnistream_retention_purged_rows_total counter');

    s.child.kill('SIGTERM');
    await s.exited;
    expect(s.child.exitCode).toBe(0);
    await expectAllGone(s);
  }, 150_000);

  it('SIGINT to it alone (not to its process group) stops them all', async () => {
    const s = await startStack('node');
    s.child.kill('SIGINT');
    await s.exited;
    await expectAllGone(s);
  }, 150_000);

  it('stops them all when the process that started it ends (`kill` of pnpm kills only its shell)', async () => {
    const s = await startStack('shell');
    s.child.kill('SIGTERM');
    await expectAllGone(s);
  }, 150_000);

  it('`pnpm dev --stop` from another terminal stops them all; a second --stop finds nothing to stop', async () => {
    const s = await startStack('node');
    const stop = spawn(process.execPath, [DEV, '--stop'], { cwd: ROOT, env: s.env, stdio: 'pipe' });
    const stopOutput: string[] = [];
    stop.stdout.on('data', (d) => stopOutput.push(String(d)));
    stop.stderr.on('data', (d) => stopOutput.push(String(d)));
    const [code] = (await once(stop, 'exit')) as [number];
    expect(code, stopOutput.join('')).toBe(0);
    expect(stopOutput.join('')).toContain('stopped');
    await s.exited;
    await expectAllGone(s);

    const again = spawn(process.execPath, [DEV, '--stop'], { cwd: ROOT, env: s.env, stdio: 'pipe' });
    const againOutput: string[] = [];
    again.stdout.on('data', (d) => againOutput.push(String(d)));
    const [againCode] = (await once(again, 'exit')) as [number];
    expect(againCode).toBe(0);
    expect(againOutput.join('')).toContain('nothing to stop');
  }, 150_000);
});
