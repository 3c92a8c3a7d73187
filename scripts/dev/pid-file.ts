// The processes of a running `pnpm dev`, written as they start (DEV_STATE_DIR/pids.json), so that
// `pnpm dev --stop` from another terminal, and the front process when the supervisor died, can end
// every one of them. Each entry carries a piece of its command line: a pid is signalled only while
// it still runs that command, never a process that reused the number later.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DevProcess {
  name: string;
  pid: number;
  /** A piece of its command line (the script or main class). */
  command: string;
  /** It leads a process group of its own (the Kafka JVM): the whole group is signalled. */
  group?: boolean;
}

export interface DevPids {
  front: DevProcess;
  supervisor: DevProcess;
  children: DevProcess[];
}

export const pidFile = (stateDir: string) => join(stateDir, 'pids.json');

export function writePidFile(stateDir: string, pids: DevPids): void {
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(pidFile(stateDir), `${JSON.stringify(pids, null, 2)}\n`, { mode: 0o600 });
}

export function removePidFile(stateDir: string): void {
  rmSync(pidFile(stateDir), { force: true });
}

export function readPidFile(stateDir: string): DevPids | null {
  try {
    return JSON.parse(readFileSync(pidFile(stateDir), 'utf8')) as DevPids;
  } catch {
    return null;
  }
}

/** Whether `proc` still runs (and is still the process we started, by its command line). */
export function isRunning(proc: DevProcess): boolean {
  try {
    process.kill(proc.pid, 0);
  } catch {
    return false;
  }
  try {
    // `ps` rather than /proc: it answers on macOS too.
    const command = execFileSync('ps', ['-o', 'command=', '-p', String(proc.pid)], { encoding: 'utf8' });
    return command.includes(proc.command);
  } catch {
    return false;
  }
}

export function signal(proc: DevProcess, sig: NodeJS.Signals): void {
  if (!isRunning(proc)) return;
  try {
    process.kill(proc.group ? -proc.pid : proc.pid, sig);
  } catch {
    // Gone in between.
  }
}

/** Polls until none of `procs` runs; false when `timeoutMs` passed first. */
export async function waitGone(procs: DevProcess[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (procs.some(isRunning)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
  return true;
}

/**
 * Ends what is left of a stack whose supervisor is gone: SIGTERM to each child (the services
 * finish in-flight work), then SIGKILL after `graceMs` to whatever still runs.
 */
export async function endLeftovers(pids: DevPids, graceMs: number): Promise<DevProcess[]> {
  const left = pids.children.filter(isRunning);
  for (const proc of left) signal(proc, 'SIGTERM');
  if (!(await waitGone(left, graceMs))) for (const proc of left) signal(proc, 'SIGKILL');
  await waitGone(left, 5_000);
  return left;
}
