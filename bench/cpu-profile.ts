// Summarizes a V8 .cpuprofile (node --cpu-prof): self time per function and per package.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  name: string;
  where: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Time not idle (the profile also counts the event loop waiting). */
  busyMs: number;
  functions: SelfTime[];
  packages: SelfTime[];
}

/** Which package (or runtime part) a frame belongs to, from its script URL. */
export function packageOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node: core';
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pnpm?.[1]) return pnpm[1];
  const plain = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (plain?.[1]) return plain[1];
  const workspace = /\/(packages|services)\/([^/]+)\//.exec(url);
  if (workspace?.[2]) return `${workspace[1]}/${workspace[2]}`;
  return url;
}

function shortWhere(url: string, line: number): string {
  if (url === '') return '';
  const path = url.replace(/^file:\/\//, '');
  const trimmed = path
    .replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
    .replace(/^.*\/(packages|services)\//, '$1/');
  return `${trimmed}:${line + 1}`;
}

/**
 * Self time per function and package. `windowUs` (CLOCK_MONOTONIC microseconds, the clock V8 stamps
 * samples with on Linux; `process.hrtime.bigint() / 1000n` in any process) keeps only the samples
 * taken under load, leaving out start-up (module compilation) and shutdown.
 */
export function summarizeCpuProfile(
  file: string,
  top = 20,
  windowUs?: readonly [number, number],
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    at += profile.timeDeltas[i] ?? 0;
    if (windowUs && (at < windowUs[0] || at > windowUs[1])) continue;
    // timeDeltas[i] is the time before sample i; attribute the following delta to it instead.
    const delta = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  }
  const functions = new Map<string, SelfTime>();
  const packages = new Map<string, SelfTime>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    totalUs += us;
    if (functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const name = functionName || '(anonymous)';
    const where = shortWhere(url, lineNumber);
    const key = `${name}@${where}`;
    const f = functions.get(key) ?? { name, where, ms: 0, percent: 0 };
    f.ms += us / 1000;
    functions.set(key, f);
    const pkg = packageOf(url, name);
    const p = packages.get(pkg) ?? { name: pkg, where: '', ms: 0, percent: 0 };
    p.ms += us / 1000;
    packages.set(pkg, p);
  }
  const busyMs = (totalUs - idleUs) / 1000;
  const ranked = (m: Map<string, SelfTime>) =>
    [...m.values()]
      .map((s) => ({ ...s, percent: busyMs > 0 ? (s.ms / busyMs) * 100 : 0 }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top);
  return { totalMs: totalUs / 1000, busyMs, functions: ranked(functions), packages: ranked(packages) };
}
