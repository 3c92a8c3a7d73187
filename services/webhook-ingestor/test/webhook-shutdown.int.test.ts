import type { ChildProcess } from 'node:child_process';
import { freePorts, readMessages, uniqueTopic, until, useTestDatabase } from '@omnistream/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_SECRET } from './harness.ts';
import { ingestorEnv, startIngestorProcess } from './ingestor-process.ts';
import { whatsappWebhook } from './payloads.ts';

describe('webhook-ingestor process: SIGTERM during load (real process, broker and PostgreSQL)', () => {
  const db = useTestDatabase();
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('refuses new webhooks, finishes in-flight ones, exits 0 within 10 s, and loses nothing it acknowledged', async () => {
    const topic = await uniqueTopic({ label: 'shutdown' });
    const [port] = await freePorts(1);
    const proc = startIngestorProcess(ingestorEnv({ databaseUrl: db.url, topic, port: port as number }));
    child = proc.child;
    await proc.listening;
    const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
      proc.child.once('exit', (code) => resolve({ code, at: Date.now() })),
    );

    const acknowledged: string[] = [];
    const refused: number[] = [];
    let next = 0;
    let stop = false;
    async function worker() {
      while (!stop) {
        const i = next++;
        const w = whatsappWebhook(i);
        try {
          const res = await fetch(`http://127.0.0.1:${port}/webhook/whatsapp`, {
            method: 'POST',
            headers: w.headers,
            body: w.body,
          });
          await res.arrayBuffer();
          if (res.status === 200) acknowledged.push(`wamid.TEST${i}`);
          else refused.push(res.status);
        } catch {
          // Connection refused or reset after the listener closed: not acknowledged, Meta retries.
          stop = true;
        }
      }
    }
    const load = Promise.all(Array.from({ length: 16 }, worker));
    // Under load (webhooks acknowledged and more in flight) before the SIGTERM.
    await until(
      () => acknowledged.length,
      (n) => n > 20,
      20_000,
    );
    const signalledAt = Date.now();
    proc.child.kill('SIGTERM');
    const { code, at } = await exited;
    stop = true;
    await load;

    expect(code, proc.output.filter((l) => /shutdown|error|fatal/i.test(l)).join('\n')).toBe(0);
    expect(at - signalledAt).toBeLessThan(10_000);
    expect(acknowledged.length).toBeGreaterThan(20);
    expect(refused.every((s) => s === 503)).toBe(true);
    const log = proc.output.join('\n');
    expect(log).toContain('shutdown complete');
    expect(log).not.toContain(APP_SECRET);

    // Every acknowledged webhook's message is in Kafka.
    const messages = await readMessages({
      topic,
      count: acknowledged.length * 2,
      settleMs: 500,
      timeoutMs: 30_000,
    });
    const inKafka = new Set(
      messages
        .map((m) => JSON.parse(m.text ?? '{}'))
        .filter((e) => e.kind === 'message')
        .map((e) => e.payload.messageId),
    );
    const lost = acknowledged.filter((id) => !inKafka.has(id));
    expect(lost).toEqual([]);
  }, 60_000);
});
