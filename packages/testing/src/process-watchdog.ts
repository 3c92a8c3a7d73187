import { type ChildProcess, spawn } from 'node:child_process';

// A tiny process that outlives us: once our process is gone, it SIGKILLs the broker (its process
// group when it leads one, else the process) and removes its scratch folder after it has exited.
// Needed because 'exit' handlers do not run when vitest kills a hung worker outright, and a
// detached broker would otherwise keep running.
const WATCHDOG = `
const [parent, target] = process.argv.slice(1, 3).map(Number);
const dir = process.argv[3];
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const timer = setInterval(() => {
  if (!alive(target)) process.exit(0);
  if (alive(parent)) return;
  clearInterval(timer);
  try { process.kill(-target, 'SIGKILL'); } catch { try { process.kill(target, 'SIGKILL'); } catch {} }
  // The folder is removed once the broker no longer writes to it.
  const gone = setInterval(() => {
    if (alive(target)) return;
    clearInterval(gone);
    require('node:fs').rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }, 100);
}, 500);`;

/** Watches `target` on behalf of this process; `dir` is removed once both are gone. */
export function spawnWatchdog(target: number, dir: string): ChildProcess {
  const args = ['-e', WATCHDOG, String(process.pid), String(target), dir];
  const watchdog = spawn(process.execPath, args, { stdio: 'ignore' });
  watchdog.unref();
  return watchdog;
}
