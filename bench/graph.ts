// Graph client benchmark: `pnpm bench:graph`. See the "Graph client" section of docs/benchmarks.md.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
// Relative imports of the packages' entry files: bench/ is not a workspace package.
import { createGraphClient, type GraphClient } from '../packages/graph/src/index.ts';
import { createLogger } from '../packages/logger/src/index.ts';
import {
  fmt,
  type Machine,
  medians,
  type RunResult,
  renderSection,
  SECTION_TITLE,
  writeDocsSection,
} from './graph-report.ts';
import type { GraphSimSetup } from './graph-sim.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TARGET_RPS = 5_000;

function args() {
  const get = (name: string, fallback: number) => {
    const found = process.argv.find((a) => a.startsWith(`--${name}=`));
    const value = found === undefined ? fallback : Number(found.split('=')[1]);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
    return value;
  };
  return {
    durationS: get('duration', 10),
    concurrency: get('concurrency', 50),
    runs: get('runs', 3),
    warmupS: get('warmup', 2),
    writeDocs: !process.argv.includes('--no-docs'),
  };
}

const SETUP: GraphSimSetup = {
  phoneNumberId: '106540352242922',
  wabaId: '102290129340398',
  token: 'EAAGbenchSystemUserToken000000000000000001',
  appSecret: 'bench-app-secret-0123456789abcdef',
};

async function startSim(): Promise<{
  child: ChildProcess;
  url: string;
  graphUrl: string;
  instagramUrl: string;
}> {
  const child = spawn(process.execPath, ['bench/graph-sim.ts', JSON.stringify(SETUP)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('meta-sim did not start within 20 s')), 20_000);
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const line = buffer.split('\n').find((l) => l.startsWith('{"ready":true'));
      if (line === undefined) return;
      clearTimeout(timer);
      resolve({ child, ...(JSON.parse(line) as { url: string; graphUrl: string; instagramUrl: string }) });
    });
    child.on('exit', (code) => reject(new Error(`meta-sim exited with ${code} before it was ready`)));
  });
}

/** utime + stime of a process in ms, from /proc (Linux); undefined elsewhere. */
function cpuMsOf(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // Fields after "comm)": state is index 0, utime 11, stime 12 (proc(5)), in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

async function load(
  client: GraphClient,
  concurrency: number,
  durationMs: number,
  simPid: number,
): Promise<RunResult> {
  const latencies = new Float64Array(4_000_000);
  let count = 0;
  let errors = 0;
  let firstError: unknown;
  const message = { type: 'text', text: 'Your order #1234 has shipped.' } as const;
  const input = { phoneNumberId: SETUP.phoneNumberId, token: SETUP.token, to: '16505551234', message };
  const cpu0 = process.cpuUsage();
  const sim0 = cpuMsOf(simPid) ?? 0;
  const started = performance.now();
  const deadline = started + durationMs;
  async function worker() {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        await client.sendWhatsApp(input);
        if (count < latencies.length) latencies[count] = performance.now() - t0;
        count++;
      } catch (err) {
        errors++;
        firstError ??= err;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const simCpuMs = (cpuMsOf(simPid) ?? 0) - sim0;
  if (firstError !== undefined) console.error('first error:', firstError);
  const sorted = latencies.subarray(0, Math.min(count, latencies.length)).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    requests: count,
    errors,
    seconds,
    rps: count / seconds,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: sorted[sorted.length - 1] ?? 0,
    clientCpuPct: ((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100,
    simCpuPct: (simCpuMs / (seconds * 1000)) * 100,
  };
}

function machine(loadAvg: number): Machine {
  const undiciPkg = new URL('../packages/graph/node_modules/undici/package.json', import.meta.url);
  return {
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
    memGiB: totalmem() / 2 ** 30,
    node: process.versions.node,
    undici: (JSON.parse(readFileSync(undiciPkg, 'utf8')) as { version: string }).version,
    os: `Linux ${release()}`,
    loadAvg,
  };
}

async function main() {
  const opts = args();
  const loadAvgAtStart = loadavg()[0] ?? 0;
  const sim = await startSim();
  const simPid = sim.child.pid ?? 0;
  const client = createGraphClient({
    graphUrl: sim.graphUrl,
    instagramUrl: sim.instagramUrl,
    appSecret: SETUP.appSecret,
    timeouts: { connectMs: 2_000, headersMs: 10_000, bodyMs: 10_000 },
    connections: opts.concurrency,
    logger: createLogger({ name: 'bench-graph', level: 'warn' }),
  });
  try {
    console.log(`meta-sim (pid ${simPid}) at ${sim.url}; ${opts.concurrency} concurrent sendWhatsApp calls`);
    const warm = await load(client, opts.concurrency, opts.warmupS * 1000, simPid);
    console.log(`warm-up: ${fmt(warm.requests)} sends, ${fmt(warm.rps)}/s`);
    const runs: RunResult[] = [];
    let successes = warm.requests;
    for (let i = 0; i < opts.runs; i++) {
      const run = await load(client, opts.concurrency, opts.durationS * 1000, simPid);
      successes += run.requests;
      runs.push(run);
      console.log(
        `run ${i + 1}: ${fmt(run.requests)} sends, ${run.errors} errors, ${fmt(run.rps)}/s, p50 ${fmt(run.p50Ms, 2)} ms, ` +
          `p99 ${fmt(run.p99Ms, 2)} ms, client CPU ${fmt(run.clientCpuPct)} %, meta-sim CPU ${fmt(run.simCpuPct)} %`,
      );
    }
    const state = (await (await fetch(`${sim.url}/_sim/state`)).json()) as { ledger: { count: number } };
    const ledgerMatches = state.ledger.count === successes;
    const m = medians(runs);
    console.log(
      `median: ${fmt(m.rps)} sends/s, p50 ${fmt(m.p50Ms, 2)} ms, p99 ${fmt(m.p99Ms, 2)} ms ` +
        `(target ${fmt(TARGET_RPS)}: ${m.rps >= TARGET_RPS ? 'met' : 'NOT met'}); ledger ${state.ledger.count} vs ${successes} sent`,
    );
    if (opts.writeDocs) {
      const section = renderSection({
        date: new Date().toISOString().slice(0, 10),
        machine: machine(loadAvgAtStart),
        command: 'pnpm bench:graph',
        concurrency: opts.concurrency,
        durationS: opts.durationS,
        targetRps: TARGET_RPS,
        runs,
        ledgerMatches,
        notes: NOTES,
      });
      writeDocsSection(`${ROOT}docs/benchmarks.md`, section);
      console.log(`wrote "${SECTION_TITLE}" in docs/benchmarks.md`);
    }
  } finally {
    await client.close();
    sim.child.kill('SIGTERM');
  }
}

/** Findings worth keeping next to the figures (from `node --cpu-prof` on the client process). */
const NOTES: string[] = [
  'Profile of the client process (quiet machine, 6 s, 50 callers, 21,000 sends/s): 25 % of samples idle (waiting ' +
    'on meta-sim), `writev` syscalls 17 %, undici (dispatcher, HTTP/1.1 parser) 15 %, GC 11 %, the client’s own code ' +
    '(transport, send) 5 %, zod 3 %. The client spends about 50 µs of CPU per send; the two processes share two cores.',
  'zod validation of a text send costs 0.7–1 µs in isolation (about 2 % of the client’s CPU per send), so every ' +
    'input is still validated on the hot path.',
  'Hot-path choices: one cache entry per token holds the prebuilt header objects and the appsecret_proof (one HMAC ' +
    'per token, not per call); the proof is appended as a ready string (no URLSearchParams on sends); requests go ' +
    'through `Agent.request({origin, path})` (no URL parsing per call); answers with a Content-Length are read with ' +
    '`body.text()`.',
  'The figures depend on what else runs: while the ingest benchmark ran on the same machine (load average 3–4) the ' +
    'same command measured 5,500–13,000 sends/s.',
];

await main();
