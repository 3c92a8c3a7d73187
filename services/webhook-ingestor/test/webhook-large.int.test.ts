import { readFileSync } from 'node:fs';
import { createKafka, ensureTopics } from '@omnistream/kafka';
import { createLogger } from '@omnistream/logger';
import { freePorts, readMessages, testKafka, useTestDatabase } from '@omnistream/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestorEnv, startIngestorProcess } from './ingestor-process.ts';
import { largeWhatsappWebhook } from './payloads.ts';

/** Peak resident memory of a process so far (VmHWM), in MiB. */
function peakRssMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmHWM for pid ${pid}`);
  return Number(match[1]) / 1024;
}

describe('a 3 MB WhatsApp webhook (real process, broker and PostgreSQL)', () => {
  const db = useTestDatabase();
  const stops: (() => void)[] = [];
  afterAll(() => {
    for (const stop of stops) stop();
  });

  it('is delivered whole to the inbound topic, straight from Kafka, its memory growth bounded', async () => {
    // The inbound topic as `pnpm topics:create` makes it (KAFKA_INBOUND_MAX_MESSAGE_BYTES' default).
    const topic = `omnistream.test.large.${Date.now().toString(36)}`;
    const logger = createLogger({ name: 't', level: 'silent' });
    const kafka = createKafka({ brokers: testKafka().brokers, clientId: 'large-test', logger });
    await ensureTopics({
      kafka,
      topics: [{ topic, numPartitions: 3 }],
      maxMessageBytes: { [topic]: 8 * 1024 * 1024 },
      logger,
    });
    const [port] = await freePorts(1);
    const proc = startIngestorProcess(
      ingestorEnv({
        databaseUrl: db.url,
        topic,
        port: port as number,
        // Generous: this test is about size, not about a loaded CI machine's latency.
        extra: { KAFKA_PUBLISH_TIMEOUT_MS: '10000' },
      }),
    );
    stops.push(() => proc.child.kill('SIGKILL'));
    await proc.listening;
    const idle = peakRssMiB(proc.child.pid as number);

    // 3 MB, the most Meta sends (and WEBHOOK_BODY_LIMIT_BYTES' default), one text of 1.5 MB among them:
    // its event carries the text twice (payload and raw fragment), past Kafka's 1 MiB default.
    const webhooks = [1, 2, 3].map((i) =>
      largeWhatsappWebhook({
        targetBytes: 3 * 1024 * 1024 - 4_096,
        bigTextChars: 1_500_000,
        tag: `LARGE${i}`,
      }),
    );
    const wamids: string[] = [];
    for (const w of webhooks) {
      expect(Buffer.byteLength(w.body)).toBeGreaterThan(3_100_000);
      const res = await fetch(`http://127.0.0.1:${port}/webhook/whatsapp`, {
        method: 'POST',
        headers: w.headers,
        body: w.body,
      });
      expect(res.status, await res.text()).toBe(200);
      wamids.push(...w.wamids);
    }

    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    // Straight to Kafka: nothing spooled, nothing quarantined.
    expect(metrics).toMatch(/omnistream_webhook_requests_total\{[^}]*outcome="kafka"[^}]*\} 3/);
    expect(metrics).not.toMatch(/outcome="(spool|quarantine)"/);
    expect(metrics).not.toMatch(/omnistream_inbound_spool_quarantined_total\{/);
    const peak = peakRssMiB(proc.child.pid as number);

    const messages = await readMessages({ topic, count: wamids.length, timeoutMs: 60_000, settleMs: 500 });
    const delivered = messages
      .map((m) => JSON.parse(m.text ?? '{}'))
      .filter((e) => e.kind === 'message')
      .map((e) => e.payload.messageId as string);
    expect(delivered.sort()).toEqual([...wamids].sort());
    const big = messages.find((m) => m.text?.includes('"wamid.LARGE1.0"'));
    expect(big?.value?.byteLength).toBeGreaterThan(2 * 1024 * 1024);
    const sent = JSON.parse(webhooks[0]?.body ?? '{}').entry[0].changes[0].value.messages[0].text.body;
    expect(sent.length).toBeGreaterThan(1_400_000);
    expect(JSON.parse(big?.text ?? '{}').payload.text).toBe(sent);
    // The bound: the ingestor stays within 150 MB (143.05 MiB) while it handles 3 MB webhooks.
    // Idle, it holds ~94 MiB (this Node build's 55 MiB binary, V8, its bundle: no TypeScript stripper
    // is loaded, see scripts/build-services.ts); each 3 MB webhook passes through tens of MB of
    // short-lived copies (body, parsed tree, event JSON, kafkajs' encoders, gzip). The start command
    // maps large allocations on their own (MALLOC_MMAP_THRESHOLD_) and collects after each large
    // webhook (--expose-gc), so those copies are given back before the next one: three in a row
    // peaked at 136-138 MiB. A copy kept per webhook (a leak) would add up past the growth bound.
    const limitMiB = 150e6 / 2 ** 20;
    expect(peak, `peak RSS ${peak.toFixed(1)} MiB, idle ${idle.toFixed(1)} MiB`).toBeLessThanOrEqual(
      limitMiB,
    );
    expect(peak - idle, `peak RSS ${peak.toFixed(1)} MiB, idle ${idle.toFixed(1)} MiB`).toBeLessThanOrEqual(
      52,
    );
  }, 120_000);
});
