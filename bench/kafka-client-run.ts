// One client of `pnpm bench:kafka-clients`, in its own process so that process.cpuUsage() is that
// client's CPU (plus this small load loop, the same for every client). Started by kafka-clients.ts
// with a JSON RunSpec as its only argument; prints JSON lines: {"type":"start"} when the measured
// window opens, {"type":"end"} when it closes, then {"type":"result",...} once in-flight sends settled.
import { readFileSync } from 'node:fs';
import {
  compatibilityPartitioner,
  Producer as PlatformaticProducer,
  ProduceAcks,
  stringSerializer,
} from '@platformatic/kafka';
import { CompressionTypes, Partitioners } from 'kafkajs';
import { createKafka, createProducer, createSendBatcher } from '../packages/kafka/src/index.ts';
import { createLogger } from '../packages/logger/src/index.ts';
import type { BenchRecord, RunResult, RunSpec } from './kafka-clients-report.ts';

interface Rec {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

type Send = (records: readonly Rec[]) => Promise<unknown>;

/** Produce requests sent while `counting.on` (what the broker handles: its cost is per request too). */
const counting = { on: false, requests: 0 };

async function openClient(spec: RunSpec): Promise<{ send: Send; close: () => Promise<void> }> {
  const logger = createLogger({ name: `bench-${spec.client}`, level: 'warn' });
  if (spec.client === 'kafkajs-gateway' || spec.client === 'kafkajs-direct') {
    // The same client settings as the services (packages/kafka/src/client.ts).
    const kafka = createKafka({ brokers: spec.brokers, clientId: `bench-${spec.client}`, logger });
    // Counts Produce requests through kafkajs' instrumentation events, on whichever producer is made.
    const makeProducer = kafka.producer.bind(kafka);
    kafka.producer = (config) => {
      const p = makeProducer(config);
      p.on(p.events.REQUEST, (e) => {
        if (counting.on && e.payload.apiName === 'Produce') counting.requests += 1;
      });
      return p;
    };
    if (spec.client === 'kafkajs-gateway') {
      // The ingestor's producer: concurrent sends coalesced into one request at a time (batcher.ts).
      const producer = createProducer({ kafka, logger, compression: 'none' });
      await producer.connect();
      return {
        send: (records) => producer.send(spec.topic, records),
        close: () => producer.disconnect(),
      };
    }
    // kafkajs as its README shows it: one Produce request per send() call.
    const producer = kafka.producer({
      allowAutoTopicCreation: false,
      idempotent: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    return {
      send: (records) =>
        producer.send({
          topic: spec.topic,
          messages: records as Rec[],
          acks: -1,
          compression: CompressionTypes.None,
        }),
      close: () => producer.disconnect(),
    };
  }
  const producer = new PlatformaticProducer<string, Buffer, string, string>({
    clientId: `bench-${spec.client}`,
    bootstrapBrokers: spec.brokers,
    // Its default is acks=1 (leader only) unless idempotent; the ingestor needs acks=all.
    acks: ProduceAcks.ALL,
    idempotent: false,
    // Its defaultPartitioner is murmur2 >>> 0; compatibilityPartitioner is murmur2 & 0x7fffffff,
    // the Java client's (and kafkajs' DefaultPartitioner), so keys land on the same partitions.
    partitioner: compatibilityPartitioner,
    autocreateTopics: false,
    // kafkajs' requestTimeout in packages/kafka/src/client.ts (platformatic's default is 5 s).
    timeout: 30_000,
    serializers: { key: stringSerializer, headerKey: stringSerializer, headerValue: stringSerializer },
  });
  const toMessages = (records: readonly Rec[]) =>
    records.map((r) => ({ topic: spec.topic, key: r.key, value: r.value, headers: r.headers }));
  if (spec.client === 'platformatic-direct') {
    return {
      // One broker: one Produce request per send.
      send: (records) => {
        if (counting.on) counting.requests += 1;
        return producer.send({ messages: toMessages(records) });
      },
      close: () => producer.close(),
    };
  }
  // platformatic-batched: the gateway's batcher (same limits as createProducer's defaults) in front.
  const batcher = createSendBatcher({
    sendBatch: async (topicMessages) => {
      if (counting.on) counting.requests += 1;
      await producer.send({
        messages: topicMessages.flatMap((t) =>
          (t.messages as Rec[]).map((r) => ({
            topic: t.topic,
            key: r.key,
            value: r.value,
            headers: r.headers,
          })),
        ),
      });
    },
    lingerMs: 0,
    maxBatchMessages: 500,
    maxBatchBytes: 128 * 1024,
    maxInFlight: 1,
  });
  return {
    send: (records) => batcher.add(spec.topic, records),
    close: async () => {
      await batcher.flush();
      await producer.close();
    },
  };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as RunSpec;
  const sends: Rec[][] = (JSON.parse(readFileSync(spec.sendsFile, 'utf8')) as BenchRecord[][]).map((s) =>
    s.map((r) => ({ key: r.key, value: Buffer.from(r.value), headers: r.headers })),
  );
  const sendBytes = sends.map((s) =>
    s.reduce((n, r) => n + Buffer.byteLength(r.key) + r.value.byteLength, 0),
  );
  const client = await openClient(spec);
  const emit = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

  let phase: 'warmup' | 'measuring' | 'done' = 'warmup';
  /** Every record acknowledged, warm-up and drain included: what the topic must hold. */
  let acked = 0;
  let cursor = 0;
  const latencies: number[] = [];
  const counted = { sends: 0, records: 0, bytes: 0, errors: 0, firstError: null as string | null };
  let windowStart = 0;
  let windowEnd = 0;
  let cpuStart = process.cpuUsage();
  let cpuUs = 0;
  const inFlight = new Set<Promise<void>>();

  const fire = (): Promise<void> => {
    const index = cursor;
    cursor = (cursor + 1) % sends.length;
    const records = sends[index] ?? [];
    const started = performance.now();
    const settled = client.send(records).then(
      () => {
        acked += records.length;
        if (phase !== 'measuring') return;
        latencies.push(performance.now() - started);
        counted.sends += 1;
        counted.records += records.length;
        counted.bytes += sendBytes[index] ?? 0;
      },
      (err: unknown) => {
        if (phase !== 'measuring') return;
        counted.errors += 1;
        counted.firstError ??= (err as Error).message;
      },
    );
    const tracked = settled.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    return tracked;
  };

  const loadStarted = performance.now();
  let stopLoad: () => void;
  if (spec.ratePerS) {
    // Open loop: every 2 ms, issue the sends due by now (rate × elapsed), acknowledged or not.
    const rate = spec.ratePerS;
    let issued = 0;
    const timer = setInterval(() => {
      const due = Math.floor(((performance.now() - loadStarted) / 1000) * rate);
      while (issued < due) {
        issued += 1;
        void fire();
      }
    }, 2);
    stopLoad = () => clearInterval(timer);
  } else {
    let stopped = false;
    const worker = async () => {
      while (!stopped) await fire();
    };
    for (let i = 0; i < (spec.concurrency ?? 64); i++) void worker();
    stopLoad = () => {
      stopped = true;
    };
  }

  await new Promise((r) => setTimeout(r, spec.warmupS * 1000));
  phase = 'measuring';
  windowStart = performance.now();
  cpuStart = process.cpuUsage();
  counting.on = true;
  emit({ type: 'start' });
  await new Promise((r) => setTimeout(r, spec.durationS * 1000));
  const cpu = process.cpuUsage(cpuStart);
  cpuUs = cpu.user + cpu.system;
  windowEnd = performance.now();
  counting.on = false;
  phase = 'done';
  emit({ type: 'end' });
  stopLoad();
  await Promise.all(inFlight);
  await client.close();

  const sorted = Float64Array.from(latencies).sort();
  const result: RunResult = {
    type: 'result',
    seconds: (windowEnd - windowStart) / 1000,
    sends: counted.sends,
    records: counted.records,
    bytes: counted.bytes,
    errors: counted.errors,
    firstError: counted.firstError,
    latencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? 0 },
    cpuUs,
    acked,
    requests: counting.requests,
  };
  emit(result);
}

try {
  await main();
  process.exit(0);
} catch (err) {
  console.error(err);
  process.exit(1);
}
