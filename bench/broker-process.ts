// The broker as seen from outside the benchmark: whether its process is still there.
import { existsSync } from 'node:fs';

/**
 * Watches the broker's process (started by the harness from the jars): a broker that died during a
 * run would turn every later figure into spool throughput, so the benchmark checks after each run.
 */
export function watchProcessExit(pid: number): { exit(): string | null } {
  return {
    exit: () => (existsSync(`/proc/${pid}`) ? null : `the broker process (pid ${pid}) is gone`),
  };
}
