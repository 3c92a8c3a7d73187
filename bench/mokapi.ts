// The bundled mokapi broker as seen from outside: its process (for CPU) and its own record count.
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
