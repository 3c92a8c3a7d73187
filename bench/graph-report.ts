// Report of `pnpm bench:graph`: the markdown section and its place in docs/benchmarks.md.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const SECTION_TITLE = '## Graph client (pnpm bench:graph)';
const DOC_HEADER =
  '# Benchmarks\n\nEach section is written by its benchmark script; rerun the command to refresh it on your machine.\n';

export interface RunResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  clientCpuPct: number;
  simCpuPct: number;
}

export interface Machine {
  nproc: number;
  cpuModel: string;
  memGiB: number;
  node: string;
  undici: string;
  os: string;
  /** 1-minute load average when the benchmark started: other work on the machine skews the figures. */
  loadAvg: number;
}

export interface ReportInput {
  date: string;
  machine: Machine;
  command: string;
  concurrency: number;
  durationS: number;
  targetRps: number;
  runs: RunResult[];
  ledgerMatches: boolean;
  notes: string[];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function medians(runs: RunResult[]) {
  return {
    rps: median(runs.map((r) => r.rps)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    clientCpuPct: median(runs.map((r) => r.clientCpuPct)),
    simCpuPct: median(runs.map((r) => r.simCpuPct)),
  };
}

export function renderSection(input: ReportInput): string {
  const m = medians(input.runs);
  const met = m.rps >= input.targetRps;
  const rows = input.runs.map(
    (r, i) =>
      `| ${i + 1} | ${fmt(r.requests)} | ${r.errors} | ${fmt(r.rps)} | ${fmt(r.p50Ms, 2)} | ${fmt(r.p99Ms, 2)} | ${fmt(r.maxMs, 1)} | ${fmt(r.clientCpuPct)} % | ${fmt(r.simCpuPct)} % |`,
  );
  return [
    SECTION_TITLE,
    '',
    `Measured ${input.date} with \`${input.command}\`.`,
    '',
    `**Median of ${input.runs.length} runs: ${fmt(m.rps)} sends/s, p50 ${fmt(m.p50Ms, 2)} ms, p99 ${fmt(m.p99Ms, 2)} ms** ` +
      `(target ≥ ${fmt(input.targetRps)} sends/s: ${met ? 'met' : 'NOT met'}).`,
    '',
    'What it does: starts meta-sim (`@omnistream/meta-sim`) in a separate child process with zero latency and every ' +
      'limit lifted, then runs `createGraphClient(...).sendWhatsApp` (text message, Bearer token, `appsecret_proof` on ' +
      `every call, zod validation of every input) from ${input.concurrency} concurrent callers for ${input.durationS} s ` +
      'per run, after a warm-up. Latency is measured per call around `sendWhatsApp` (validation, request, response ' +
      'parsing). Both processes share the machine, so the figure is the client and the simulator together.',
    '',
    `- Machine: ${input.machine.nproc} CPUs (\`nproc\`), ${input.machine.cpuModel}, ${fmt(input.machine.memGiB, 1)} GiB RAM, ${input.machine.os}`,
    `- Node ${input.machine.node}, undici ${input.machine.undici}; keep-alive pool of ${input.concurrency} connections`,
    `- Load average (1 min) when the run started: ${fmt(input.machine.loadAvg, 2)}`,
    `- Every accepted send is in the simulator's ledger: ${input.ledgerMatches ? 'yes (ledger total = successful calls)' : 'NO — ledger total differs'}`,
    '',
    '| run | sends | errors | sends/s | p50 ms | p99 ms | max ms | client CPU | meta-sim CPU |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    'CPU is per process, as a share of one core (200 % = both cores of a 2-core machine).',
    '',
    ...input.notes.map((n) => `- ${n}`),
    '',
    'Knobs: `pnpm bench:graph -- --duration=10 --concurrency=50 --runs=3 --warmup=2 --no-docs`. ' +
      'Profile the client with `node --cpu-prof --cpu-prof-dir=/tmp/graph-prof bench/graph.ts`.',
    '',
  ].join('\n');
}

/**
 * Replaces one benchmark's own section in docs/benchmarks.md (from its title, this benchmark's
 * unless `title` is given, to the next `## ` or the end) or appends it; the rest of the file, written
 * by other benchmarks, is left as it is. Read and written in one step so a concurrent edit of another
 * section is not lost.
 */
export function writeDocsSection(path: string, section: string, title: string = SECTION_TITLE): void {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : DOC_HEADER;
  const start = current.indexOf(title);
  let next: string;
  if (start < 0) {
    next = `${current.replace(/\s*$/, '')}\n\n${section}`;
  } else {
    const after = current.indexOf('\n## ', start + title.length);
    next = current.slice(0, start) + section + (after < 0 ? '' : `\n${current.slice(after + 1)}`);
  }
  writeFileSync(path, next.endsWith('\n') ? next : `${next}\n`);
}
