// Linux /proc readings for the benchmark: a process' resident memory and CPU time, the machine's CPU.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (100 on practically every Linux). */
export const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Cores this machine has online (lines cpu0, cpu1, … of /proc/stat). */
export const CORES = Math.max(
  1,
  readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((l) => /^cpu\d+ /.test(l)).length,
);

/** VmRSS of a process in bytes, or null once it is gone. */
export function rssBytes(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** User + system CPU seconds a process has used so far (its own, not its children's). */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: fields count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Busy and total jiffies of the whole machine (all cores), from the first line of /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

/** Command line of a process, or '' once it is gone. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** Direct children of this process (every thread's children list, since any thread may spawn). */
export function childPids(): number[] {
  const pids = new Set<number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      for (const p of readFileSync(`/proc/self/task/${tid}/children`, 'utf8').trim().split(/\s+/)) {
        if (p) pids.add(Number(p));
      }
    } catch {
      // a thread that ended meanwhile
    }
  }
  return [...pids];
}

/** Every process whose command name (/proc/<pid>/comm) is `comm`, e.g. all PostgreSQL backends. */
export function pidsNamed(comm: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

export interface SampleReport {
  /** Highest VmRSS of the sampled process during the window. */
  maxRssBytes: number;
  /** CPU each group used during the window, in % of one core (200 % = both cores of two). */
  cpuPercent: Record<string, number>;
  /** The whole machine, in % of one core (so at most cores × 100). */
  machineCpuPercent: number;
}

/**
 * Samples `rssPid`'s VmRSS every `intervalMs` and measures the CPU each group of processes used
 * between start and stop. A group is re-listed at stop: a process born meanwhile counts in full.
 */
export function startSampler(options: {
  rssPid: number;
  cpuGroups: Record<string, () => readonly number[]>;
  intervalMs?: number;
}) {
  const startedAt = performance.now();
  const before = new Map<string, Map<number, number>>();
  for (const [name, list] of Object.entries(options.cpuGroups)) {
    const times = new Map<number, number>();
    for (const pid of list()) {
      const s = cpuSeconds(pid);
      if (s !== null) times.set(pid, s);
    }
    before.set(name, times);
  }
  const machineStart = machineCpu();
  let maxRss = rssBytes(options.rssPid) ?? 0;
  const timer = setInterval(() => {
    const rss = rssBytes(options.rssPid);
    if (rss !== null && rss > maxRss) maxRss = rss;
  }, options.intervalMs ?? 200);

  return {
    stop(): SampleReport {
      clearInterval(timer);
      const rss = rssBytes(options.rssPid);
      if (rss !== null && rss > maxRss) maxRss = rss;
      const wall = (performance.now() - startedAt) / 1000;
      const cpuPercent: Record<string, number> = {};
      for (const [name, list] of Object.entries(options.cpuGroups)) {
        const start = before.get(name) ?? new Map<number, number>();
        let used = 0;
        for (const pid of new Set([...list(), ...start.keys()])) {
          const now = cpuSeconds(pid);
          if (now !== null) used += now - (start.get(pid) ?? 0);
        }
        cpuPercent[name] = (used / wall) * 100;
      }
      const machineEnd = machineCpu();
      const machineCpuPercent =
        ((machineEnd.busy - machineStart.busy) / Math.max(1, machineEnd.total - machineStart.total)) *
        CORES *
        100;
      return { maxRssBytes: maxRss, cpuPercent, machineCpuPercent };
    },
  };
}

/** CPU of each group (and of the machine) between two wall-clock instants, in % of one core. */
export interface CpuWindow {
  seconds: number;
  cpuPercent: Record<string, number>;
  machineCpuPercent: number;
}

/**
 * Samples the cumulative CPU time of each group of processes every `intervalMs`, so the CPU spent
 * during a window known only afterwards (e.g. from the first to the last record a service wrote)
 * can be read back with `between`. A process that exits keeps its last reading; one born meanwhile
 * counts from zero. Times are `Date.now()` milliseconds.
 */
export function startCpuTimeline(options: {
  groups: Record<string, () => readonly number[]>;
  intervalMs?: number;
}) {
  const lastSeen = new Map<number, number>();
  const members = new Map<string, Set<number>>();
  const points: { atMs: number; machine: { busy: number; total: number }; cpu: Record<string, number> }[] =
    [];
  const take = () => {
    const cpu: Record<string, number> = {};
    for (const [name, list] of Object.entries(options.groups)) {
      const seen = members.get(name) ?? new Set<number>();
      members.set(name, seen);
      for (const pid of list()) {
        seen.add(pid);
        const s = cpuSeconds(pid);
        if (s !== null) lastSeen.set(pid, s);
      }
      // A process gone from the group still counts with its last reading.
      let total = 0;
      for (const pid of seen) total += lastSeen.get(pid) ?? 0;
      cpu[name] = total;
    }
    points.push({ atMs: Date.now(), machine: machineCpu(), cpu });
  };
  take();
  const timer = setInterval(take, options.intervalMs ?? 200);
  return {
    stop(): void {
      clearInterval(timer);
      take();
    },
    /** CPU used from the last sample at or before `fromMs` to the first at or after `toMs`. */
    between(fromMs: number, toMs: number): CpuWindow | null {
      const first = [...points].reverse().find((p) => p.atMs <= fromMs) ?? points[0];
      const last = points.find((p) => p.atMs >= toMs) ?? points.at(-1);
      if (!first || !last || last.atMs <= first.atMs) return null;
      const seconds = (last.atMs - first.atMs) / 1000;
      const cpuPercent: Record<string, number> = {};
      for (const name of Object.keys(options.groups)) {
        cpuPercent[name] = (((last.cpu[name] ?? 0) - (first.cpu[name] ?? 0)) / seconds) * 100;
      }
      const machineCpuPercent =
        ((last.machine.busy - first.machine.busy) / Math.max(1, last.machine.total - first.machine.total)) *
        CORES *
        100;
      return { seconds, cpuPercent, machineCpuPercent };
    },
  };
}

/**
 * Waits (up to `maxWaitS`) until the whole machine uses at most `quietPercent` of one core over a
 * second, so another job's CPU does not end up in a benchmark's numbers. Returns the last reading.
 */
export async function waitForQuietMachine(options: {
  quietPercent: number;
  maxWaitS: number;
  log: (line: string) => void;
}): Promise<number> {
  const limit = Date.now() + options.maxWaitS * 1000;
  let announced = false;
  for (;;) {
    const before = machineCpu();
    await new Promise((r) => setTimeout(r, 1_000));
    const after = machineCpu();
    const busy = ((after.busy - before.busy) / Math.max(1, after.total - before.total)) * CORES * 100;
    if (busy <= options.quietPercent) {
      if (announced) options.log(`machine quiet again (${busy.toFixed(0)} % CPU)`);
      return busy;
    }
    if (Date.now() > limit) {
      options.log(
        `machine still busy (${busy.toFixed(0)} % CPU of ${CORES * 100} %) after ${options.maxWaitS} s; running anyway`,
      );
      return busy;
    }
    if (!announced) {
      options.log(
        `machine busy (${busy.toFixed(0)} % CPU of ${CORES * 100} %) with something else; waiting for it to calm down…`,
      );
      announced = true;
    }
  }
}
