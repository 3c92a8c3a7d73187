// The bundled mokapi broker as seen from outside: its process (for CPU) and its own record count.
import { ChildProcess } from 'node:child_process';
import { childPids, commandLine } from './proc-stats.ts';

/** mokapi's pid: named in the harness' description, else the child process running the binary. */
export function findMokapiPid(description: string): number | undefined {
  const named = /\(pid (\d+)/.exec(description)?.[1];
  if (named && commandLine(Number(named)).includes('mokapi')) return Number(named);
  return childPids().find((pid) => /\bmokapi\b/.test(commandLine(pid)) && !commandLine(pid).includes('node'));
}

/** Records mokapi says it stored in `topic` (its kafka_messages_total), or null if it cannot tell. */
export async function mokapiRecordCount(pid: number, topic: string): Promise<number | null> {
  const port = /--api-port=(\d+)/.exec(commandLine(pid))?.[1];
  if (!port) return null;
  try {
    const response = await fetch(`http://127.0.0.1:${port}/api/metrics`, {
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) return null;
    const metrics = (await response.json()) as { name: string; value: number }[];
    const wanted = `topic="${topic}"`;
    const found = metrics.find((m) => m.name.startsWith('kafka_messages_total{') && m.name.includes(wanted));
    return found ? found.value : null;
  } catch {
    return null;
  }
}

/**
 * How the harness' mokapi process ended, if it did: exit code or signal and its last output lines.
 * The harness keeps the child to itself, so it is found among this process' handles (a Node
 * internal, hence the guard); with no handle found, `exit()` stays null and nothing is lost.
 */
export function watchMokapiExit(pid: number): { exit(): string | null } {
  const getHandles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles;
  const child = getHandles
    ?.call(process)
    .find((h): h is ChildProcess => h instanceof ChildProcess && h.pid === pid);
  if (!child) return { exit: () => null };
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      // Every closed client socket is logged as "unexpected EOF": noise.
      if (line.trim() === '' || line.includes('unexpected EOF')) continue;
      tail.push(line);
      if (tail.length > 30) tail.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let ended: string | null = null;
  child.once('exit', (code, signal) => {
    ended = `mokapi exited (${signal ? `signal ${signal}` : `code ${code}`})${tail.length > 0 ? `; last output:\n${tail.join('\n')}` : ''}`;
  });
  return { exit: () => ended };
}
