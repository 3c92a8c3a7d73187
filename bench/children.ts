// Child processes of the benchmark: spawned, tracked, and all stopped on exit or Ctrl-C.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  /** Last lines of its stdout and stderr, for error messages. */
  tail(): string;
  /** Lines of its output that matched `countPattern` (e.g. warnings). */
  counted: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<Child>();
const TAIL_LINES = 40;

/**
 * Spawns `node <args>` (the same Node binary as this process). Output goes to `logFile` when given
 * and is kept as a short tail; `onLine` sees each stdout line.
 */
export function spawnNode(options: {
  name: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  logFile?: string;
  onStdoutLine?: (line: string) => void;
  countPattern?: RegExp;
}): Child {
  const proc = spawn(process.execPath, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (proc.pid === undefined) throw new Error(`${options.name} could not be started`);
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : null;
  const lines: string[] = [];
  const counted: string[] = [];
  const collect = (stream: 'stdout' | 'stderr') => {
    let partial = '';
    return (chunk: Buffer) => {
      log?.write(chunk);
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        if (line.trim() === '') continue;
        lines.push(line);
        if (lines.length > TAIL_LINES) lines.shift();
        if (options.countPattern?.test(line)) counted.push(line);
        if (stream === 'stdout') options.onStdoutLine?.(line);
      }
    };
  };
  proc.stdout?.on('data', collect('stdout'));
  proc.stderr?.on('data', collect('stderr'));
  const child: Child = {
    name: options.name,
    process: proc,
    pid: proc.pid,
    tail: () => lines.join('\n'),
    counted,
    exited: new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        running.delete(child);
        log?.end();
        resolve({ code, signal });
      });
    }),
  };
  running.add(child);
  return child;
}

/** SIGTERM (the services shut down gracefully), SIGKILL if still there after `graceMs`. */
export async function stopChild(child: Child, graceMs = 10_000): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

/** Stops every child still running, in parallel. */
export async function stopAllChildren(graceMs = 5_000): Promise<void> {
  await Promise.all([...running].map((c) => stopChild(c, graceMs)));
}

/**
 * Polls `url` until `accept(status, body)` holds; fails early if `child` exits, or after the timeout
 * with the last answer seen.
 */
export async function waitForHttp(
  url: string,
  child: Child,
  options: { accept?: (status: number, body: string) => boolean; timeoutMs?: number; what?: string } = {},
): Promise<void> {
  const accept = options.accept ?? ((status) => status === 200);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let exited = false;
  void child.exited.then(() => {
    exited = true;
  });
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${child.name} exited before ${url} answered:\n${child.tail()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      const body = await response.text();
      if (accept(response.status, body)) return;
      last = `HTTP ${response.status} ${body.slice(0, 200)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `${child.name}: ${options.what ?? url} not reached in time (last: ${last}):\n${child.tail()}`,
  );
}

/**
 * A benchmark run's scratch directory and clean-up: `cleanups` run newest first after every child
 * is stopped, then the directory goes; Ctrl-C / SIGTERM run the same and exit 130.
 */
export function benchRun(options: { prefix: string; onSignalMessage: string }) {
  const workDir = mkdtempSync(join(tmpdir(), options.prefix));
  const cleanups: (() => Promise<void>)[] = [];
  let cleaning: Promise<void> | null = null;
  let interrupted = false;
  const cleanup = (): Promise<void> => {
    cleaning ??= (async () => {
      await stopAllChildren();
      for (const step of cleanups.reverse()) {
        try {
          await step();
        } catch (err) {
          console.error(`cleanup: ${(err as Error).message}`);
        }
      }
      rmSync(workDir, { recursive: true, force: true });
    })();
    return cleaning;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      console.error(`\n${signal}: ${options.onSignalMessage}`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  return { workDir, cleanups, cleanup, interrupted: () => interrupted };
}
