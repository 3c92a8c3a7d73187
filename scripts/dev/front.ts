// The process `pnpm dev` starts: it stays in the terminal's process group and turns Ctrl-C (or a
// SIGTERM, or the end of the process that started it) into one SIGTERM for the supervisor, which
// runs in a process group of its own and stops the stack in order. When the supervisor itself is
// killed outright, this process ends what it left behind, from the pid file.
import { spawn } from 'node:child_process';
import { endLeftovers, readPidFile, removePidFile } from './pid-file.ts';
import { removeStackFile } from './stack-file.ts';

export function runFront(options: {
  /** dev.ts itself, started again with --supervise. */
  script: string;
  args: string[];
  cwd: string;
  stateDir: string;
  /** How long the services may take to stop before they are killed. */
  graceMs: number;
}): void {
  const say = (line: string) => console.error(`[dev]      ${line}`);
  const child = spawn(process.execPath, [options.script, '--supervise', ...options.args], {
    cwd: options.cwd,
    detached: true,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  let signals = 0;
  const stop = () => {
    signals += 1;
    if (signals === 1) child.kill('SIGTERM');
    else if (signals === 2) say('still stopping; press Ctrl-C again to kill everything now');
    else if (child.pid) process.kill(-child.pid, 'SIGKILL');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // `kill <pid of pnpm>`: pnpm passes the signal to the shell it ran us in, not to us; the shell
  // ends and we are handed to init. A changed parent means whoever ran `pnpm dev` is gone.
  const parent = process.ppid;
  const parentWatch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(parentWatch);
    say('the process that started `pnpm dev` is gone; stopping the stack');
    stop();
  }, 500);
  parentWatch.unref();
  child.on('exit', (code, signal) => {
    void (async () => {
      if (signal) {
        // Killed outright (SIGKILL, a crash): it could not stop its children, so we do.
        const pids = readPidFile(options.stateDir);
        const left = pids ? await endLeftovers(pids, options.graceMs) : [];
        if (left.length > 0)
          say(`the supervisor ended (${signal}); stopped ${left.map((p) => p.name).join(', ')}`);
        removePidFile(options.stateDir);
        removeStackFile(options.stateDir);
      }
      process.exit(code ?? (signal ? 1 : 0));
    })();
  });
}
