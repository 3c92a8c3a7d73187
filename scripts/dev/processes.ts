// Child processes of `pnpm dev`: spawned with their output prefixed line by line, waited for, and
// stopped with SIGTERM (then SIGKILL after a grace period).
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { LineFormatter } from './log-format.ts';

export interface DevChild {
  name: string;
  process: ChildProcess;
  /** Resolves when the process ended, however it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** True once stop() was asked for: its exit is expected. */
  stopping: boolean;
}

export function spawnNode(options: {
  name: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  format: LineFormatter;
}): DevChild {
  const proc = spawn(process.execPath, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pipe = (stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream) => {
    let partial = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') out.write(`${options.format(options.name, line)}\n`);
    });
    stream?.on('end', () => {
      if (partial.trim() !== '') out.write(`${options.format(options.name, partial)}\n`);
    });
  };
  pipe(proc.stdout, process.stdout);
  pipe(proc.stderr, process.stderr);
  const child: DevChild = {
    name: options.name,
    process: proc,
    stopping: false,
    exited: new Promise((resolve) => {
      proc.once('exit', (code, signal) => resolve({ code, signal }));
      proc.once('error', () => resolve({ code: null, signal: null }));
    }),
  };
  return child;
}

/** SIGTERM, then SIGKILL when it is still running after `graceMs`. */
export async function stopChild(child: DevChild, graceMs: number): Promise<void> {
  child.stopping = true;
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

/** Runs a one-shot child (migrations, topic creation) to its end; throws unless it exits 0. */
export async function runToEnd(child: DevChild): Promise<void> {
  const { code, signal } = await child.exited;
  if (code !== 0)
    throw new Error(`${child.name} failed (${signal ? `signal ${signal}` : `exit code ${code}`})`);
}

/** Polls `url` until it answers 200; fails early when `child` exits, or after `timeoutMs`. */
export async function waitForHttp(url: string, child: DevChild, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => {
    exited = true;
  });
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${child.name} exited before ${url} answered (see its log above)`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${child.name}: ${url} did not answer 200 within ${timeoutMs} ms (last: ${last})`);
}

/** Throws naming the first port something already listens on. */
export async function assertPortsFree(ports: { port: number; what: string }[]): Promise<void> {
  for (const { port, what } of ports) {
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
      const server = createServer();
      server.once('error', (err: NodeJS.ErrnoException) => resolve(err));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(null)));
    });
    if (error) {
      throw new Error(
        error.code === 'EADDRINUSE'
          ? `port ${port} (${what}) is already in use; is another \`pnpm dev\` running?`
          : `cannot use port ${port} (${what}): ${error.message}`,
      );
    }
  }
}
