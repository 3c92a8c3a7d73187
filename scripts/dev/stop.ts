// `pnpm dev --stop`: stops the stack a `pnpm dev` in another terminal runs, the way Ctrl-C there
// would (services first, then meta-sim, then the broker), and makes sure nothing of it is left.
import {
  endLeftovers,
  isRunning,
  pidFile,
  readPidFile,
  removePidFile,
  signal,
  waitGone,
} from './pid-file.ts';
import { removeStackFile } from './stack-file.ts';

/** Resolves with the exit code: 0 when nothing of the stack runs any more. */
export async function stopRunningStack(stateDir: string, graceMs: number): Promise<number> {
  const say = (line: string) => console.log(`[dev] ${line}`);
  const pids = readPidFile(stateDir);
  if (!pids) {
    say(`no running \`pnpm dev\` found (no ${pidFile(stateDir)}); nothing to stop`);
    return 0;
  }
  const head = [pids.front, pids.supervisor].find(isRunning);
  if (head) {
    say(`stopping the development stack (pid ${head.pid}): services first, then meta-sim, then the broker`);
    signal(head, 'SIGTERM');
    // The broker gets 15 s of its own after the services' grace period.
    if (!(await waitGone([pids.front, pids.supervisor], graceMs + 20_000))) {
      say('it did not stop in time; killing it');
      signal(pids.supervisor, 'SIGKILL');
      signal(pids.front, 'SIGKILL');
    }
  }
  const left = await endLeftovers(pids, graceMs);
  if (left.length > 0) say(`ended what was left: ${left.map((p) => `${p.name} (pid ${p.pid})`).join(', ')}`);
  removePidFile(stateDir);
  removeStackFile(stateDir);
  const still = [pids.front, pids.supervisor, ...pids.children].filter(isRunning);
  if (still.length > 0) {
    say(`could not stop: ${still.map((p) => `${p.name} (pid ${p.pid})`).join(', ')}`);
    return 1;
  }
  say(head || left.length > 0 ? 'stopped' : 'no running `pnpm dev` found; nothing to stop');
  return 0;
}
