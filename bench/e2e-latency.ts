// The end-to-end scenario's arithmetic: when each signed POST left the load generator (load.ts's
// send log) joined with when its events reached the consumer process (e2e-consumer.ts).
import { readFileSync } from 'node:fs';

export interface E2eLatency {
  /** Events the consumer received whose webhook's send time is known. */
  matched: number;
  /** Events the webhooks sent in the run should have produced (messages and statuses). */
  expected: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Meta's ids (wamids) of the messages and statuses in a webhook body: what `payload.messageId` carries. */
export function messageIdsOf(body: string): string[] {
  const parsed = JSON.parse(body) as {
    entry?: { changes?: { value?: { messages?: { id: string }[]; statuses?: { id: string }[] } }[] }[];
  };
  const ids: string[] = [];
  for (const entry of parsed.entry ?? []) {
    for (const change of entry.changes ?? []) {
      for (const m of change.value?.messages ?? []) ids.push(m.id);
      for (const s of change.value?.statuses ?? []) ids.push(s.id);
    }
  }
  return ids;
}

export function e2eLatency(options: {
  /** Pool index → the ids its events carry. */
  idsByIndex: readonly (readonly string[])[];
  sendLogFile: string;
  arrivalsFile: string;
}): E2eLatency {
  const sends = JSON.parse(readFileSync(options.sendLogFile, 'utf8')) as [number, number][];
  const arrivals = JSON.parse(readFileSync(options.arrivalsFile, 'utf8')) as [string, number][];
  const sentAt = new Map<string, number>();
  let expected = 0;
  for (const [index, at] of sends) {
    for (const id of options.idsByIndex[index] ?? []) {
      sentAt.set(id, at);
      expected++;
    }
  }
  const latenciesMs: number[] = [];
  for (const [id, at] of arrivals) {
    const sent = sentAt.get(id);
    if (sent !== undefined) latenciesMs.push((at - sent) / 1000);
  }
  latenciesMs.sort((a, b) => a - b);
  return {
    matched: latenciesMs.length,
    expected,
    p50Ms: percentile(latenciesMs, 50),
    p99Ms: percentile(latenciesMs, 99),
    maxMs: latenciesMs.at(-1) ?? Number.NaN,
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}
