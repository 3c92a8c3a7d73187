import type { ChildProcess } from 'node:child_process';
import { freePorts, readMessages, testKafka, uniqueTopic, until, useTestDatabase } from '@omnistream/testing';
import { topicRecordCount } from '@omnistream/testing/harness';
import { afterAll, describe, expect, it } from 'vitest';
import { type IngestorProcess, ingestorEnv, startIngestorProcess } from './ingestor-process.ts';
import { whatsappWebhook } from './payloads.ts';

const WORKERS = 16;

describe('two webhook-ingestor processes on one topic, one restarted under load (real processes, broker, PostgreSQL)', () => {
  const db = useTestDatabase();
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
  });

  it('every webhook answered 200 has its events on Kafka; repeats only by event id', async () => {
    const topic = await uniqueTopic({ label: 'ingest-scale' });
    const brokers = testKafka().brokers;
    const ports = (await freePorts(2)) as [number, number];
    const envFor = (i: number) =>
      ingestorEnv({
        databaseUrl: db.url,
        topic,
        port: ports[i] as number,
        extra: { KAFKA_CLIENT_ID: `ingestor${i}`, SPOOL_RELAY_INTERVAL_MS: '200' },
      });
    const start = (i: number) => {
      const proc = startIngestorProcess(envFor(i));
      children.push(proc.child);
      return proc;
    };
    const procs = [start(0), start(1)];
    await Promise.all(procs.map((p) => p.listening));

    // Load: webhook i goes to ingestor i % 2; a refusal (503, connection refused or reset) is
    // retried on the other one, as Meta retries an unanswered webhook.
    const acknowledged = new Set<number>();
    const ackedBy = [0, 0];
    let ackedByRestarted = 0;
    let restarted = false;
    const refusals = new Map<string, number>();
    let next = 0;
    let stop = false;
    async function deliver(i: number): Promise<void> {
      const w = whatsappWebhook(i);
      for (let attempt = 0; attempt < 100; attempt++) {
        const target = (i + attempt) % 2;
        try {
          const res = await fetch(`http://127.0.0.1:${ports[target]}/webhook/whatsapp`, {
            method: 'POST',
            headers: w.headers,
            body: w.body,
          });
          await res.arrayBuffer();
          if (res.status === 200) {
            acknowledged.add(i);
            ackedBy[target] = (ackedBy[target] ?? 0) + 1;
            if (restarted && target === 1) ackedByRestarted++;
            return;
          }
          refusals.set(String(res.status), (refusals.get(String(res.status)) ?? 0) + 1);
        } catch (err) {
          const code = (err as { cause?: { code?: string } }).cause?.code ?? 'network';
          refusals.set(code, (refusals.get(code) ?? 0) + 1);
        }
        // Meta's retry comes later; a short pause keeps the loop from spinning on a closed port.
        // wait-ok: the load generator's retry pause, not a wait for a condition.
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`webhook ${i} was never answered 200`);
    }
    async function worker() {
      while (!stop) await deliver(next++);
    }
    const load = Promise.all(Array.from({ length: WORKERS }, worker));

    await until(
      () => acknowledged.size,
      (n) => n >= 200,
      30_000,
    );
    // Restart ingestor 1 under load: SIGTERM (refuse, finish in flight, flush), then a new process.
    const first = procs[1] as IngestorProcess;
    const signalledAt = Date.now();
    first.child.kill('SIGTERM');
    const code = await first.exited;
    expect(code, first.output.filter((l) => /shutdown|error|fatal/i.test(l)).join('\n')).toBe(0);
    const downFor = Date.now() - signalledAt;
    const again = start(1);
    await again.listening;
    restarted = true;
    const restartMs = Date.now() - signalledAt;
    await until(
      () => ackedByRestarted,
      (n) => n >= 150,
      30_000,
    );
    stop = true;
    await load;
    expect(ackedByRestarted).toBeGreaterThanOrEqual(150);

    // Everything acknowledged is on the broker: a message and a status event per webhook.
    const total = await until(
      () => topicRecordCount(brokers, topic),
      (n) => n >= acknowledged.size * 2,
      30_000,
    );
    const messages = await readMessages({ topic, count: total, timeoutMs: 30_000 });
    const ids = messages.map((m) => m.headers['event-id']);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    const distinct = new Set(ids);
    const events = messages.map((m) => JSON.parse(m.text ?? '{}'));
    const messageIds = new Set(events.filter((e) => e.kind === 'message').map((e) => e.payload.messageId));
    const lost = [...acknowledged].filter((i) => !messageIds.has(`wamid.TEST${i}`));
    expect(lost).toEqual([]);
    expect(distinct.size).toBe(acknowledged.size * 2);
    const perId = new Map<string, number>();
    for (const id of ids) perId.set(id as string, (perId.get(id as string) ?? 0) + 1);
    const duplicated = [...perId.values()].filter((n) => n > 1);
    const extra = duplicated.reduce((sum, n) => sum + n - 1, 0);
    console.log(
      `[ingestor scale-out] ${acknowledged.size} webhooks answered 200 (${ackedBy.join('/')} by ingestor 0/1, ` +
        `${ackedByRestarted} by the restarted one); ingestor 1 exited ${downFor} ms after SIGTERM, back in ${restartMs} ms; ` +
        `refused and retried elsewhere: ${JSON.stringify(Object.fromEntries(refusals))}`,
    );
    console.log(
      `[ingestor scale-out] ${messages.length} records on Kafka, ${distinct.size} distinct event ids, ` +
        `${duplicated.length} ids repeated (${extra} extra records)`,
    );

    for (const p of [procs[0], again]) p?.child.kill('SIGTERM');
    expect(await Promise.all([procs[0]?.exited, again.exited])).toEqual([0, 0]);
  }, 90_000);
});
