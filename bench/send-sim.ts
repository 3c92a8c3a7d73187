// meta-sim for `pnpm bench:send`: its own process (`packages/meta-sim/src/meta-sim-cli.ts`, the
// same entry as `pnpm meta-sim`), configured only through its HTTP control API under /_sim.
import { join } from 'node:path';
import { type Child, spawnNode, waitForHttp } from './children.ts';

export interface SimLimits {
  /** null lifts a limit (JSON has no Infinity). */
  whatsappPerSecond?: number | null;
  whatsappPairIntervalMs?: number;
  whatsappPairBurst?: number | null;
}

export interface SimFaultRule {
  id?: string;
  match?: { method?: string; pathPattern?: string; channel?: 'whatsapp'; accountId?: string };
  action:
    | { type: 'error'; status?: number; code?: number; message?: string; isTransient?: boolean }
    | { type: 'latency'; ms: number };
  probability?: number;
  seed?: number;
}

export interface LedgerEntry {
  seq: number;
  /** Epoch ms on the simulator clock (real time here: the clock is never frozen). */
  at: number;
  to: string;
  marker?: string;
}

export interface SimHandle {
  child: Child;
  url: string;
  graphUrl: string;
  instagramUrl: string;
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

export async function startSimProcess(options: {
  root: string;
  cwd: string;
  port: number;
  latencyMs: number;
  appSecret: string;
  logFile: string;
}): Promise<SimHandle> {
  const child = spawnNode({
    name: 'meta-sim',
    args: [join(options.root, 'packages/meta-sim/src/meta-sim-cli.ts')],
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      META_SIM_PORT: String(options.port),
      META_SIM_HOST: '127.0.0.1',
      META_SIM_LATENCY_MS: String(options.latencyMs),
      META_APP_SECRET: options.appSecret,
      LOG_LEVEL: 'warn',
    },
    logFile: options.logFile,
  });
  const url = `http://127.0.0.1:${options.port}`;
  await waitForHttp(`${url}/_sim/health`, child, { timeoutMs: 60_000, what: 'meta-sim health' });
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(`meta-sim ${method} ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  };
  const health = await call<{ graphUrl: string; instagramUrl: string }>('GET', '/_sim/health');
  return { child, url, graphUrl: health.graphUrl, instagramUrl: health.instagramUrl, call };
}

/**
 * A clean simulator for one run: ledger, faults, limits and counters reset (accounts kept), the
 * base latency set again, then this run's number, limits and fault rules.
 */
export async function prepareSim(
  sim: SimHandle,
  setup: {
    latencyMs: number;
    number: { phoneNumberId: string; wabaId: string; token: string };
    limits: SimLimits;
    faults: readonly SimFaultRule[];
  },
): Promise<void> {
  await sim.call('POST', '/_sim/reset', { scope: 'state' });
  await sim.call('PUT', '/_sim/settings', { latencyMs: setup.latencyMs });
  await sim.call('POST', '/_sim/accounts/whatsapp', {
    phoneNumberId: setup.number.phoneNumberId,
    wabaId: setup.number.wabaId,
    tokens: [setup.number.token],
  });
  await sim.call('PUT', '/_sim/limits', setup.limits);
  for (const rule of setup.faults) await sim.call('POST', '/_sim/faults', rule);
}

export interface SimRunFacts {
  /** Sends the simulator accepted (exact, past the ledger's capacity too). */
  accepted: number;
  /** Markers (command ids) accepted more than once. */
  duplicates: { marker: string; count: number }[];
  /** Per fault rule: calls it matched (`seen`) and answered with its fault (`hits`). */
  faults: Record<string, { seen: number; hits: number }>;
}

export async function simRunFacts(sim: SimHandle): Promise<SimRunFacts> {
  const state = await sim.call<{
    ledger: { count: number };
    faults: { id: string; hits: number; seen: number }[];
  }>('GET', '/_sim/state');
  const { duplicates } = await sim.call<{ duplicates: { marker: string; count: number }[] }>(
    'GET',
    '/_sim/ledger/duplicates',
  );
  return {
    accepted: state.ledger.count,
    duplicates,
    faults: Object.fromEntries(state.faults.map((f) => [f.id, { seen: f.seen, hits: f.hits }])),
  };
}

/** Acceptance times of the sends to one number, oldest first. */
export async function ledgerTimes(sim: SimHandle, accountId: string): Promise<number[]> {
  const { entries } = await sim.call<{ entries: LedgerEntry[] }>(
    'GET',
    `/_sim/ledger?channel=whatsapp&accountId=${encodeURIComponent(accountId)}`,
  );
  return entries.map((e) => e.at).sort((a, b) => a - b);
}
