// What a CRM reading the inbound topic experiences, run as its own process by bench/ingest.ts:
//   node bench/e2e-consumer.ts '<json ConsumerOptions>'
// Prints `ready` once its partitions are assigned and fetched from, records when each event
// arrives (process.hrtime: CLOCK_MONOTONIC, shared with the load generator), and on SIGTERM writes
// `[messageId, arrivedAtUs]` pairs to outFile and exits.
import { writeFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';

export interface ConsumerOptions {
  brokers: string[];
  topic: string;
  outFile: string;
  /** Fetch settings (BENCH_E2E_MIN_BYTES, BENCH_E2E_MAX_WAIT_MS). */
  minBytes: number;
  maxWaitTimeInMs: number;
}

const options = JSON.parse(process.argv[2] ?? '') as ConsumerOptions;
const kafka = new Kafka({ clientId: 'bench-crm', brokers: options.brokers, logLevel: logLevel.NOTHING });
// A fresh group starting at the end of the topic: only the events of this run.
const consumer = kafka.consumer({
  groupId: `bench-crm-${process.pid}-${Date.now()}`,
  // Default: a CRM wants each event as soon as it is there: answer a fetch at the first byte
  // (Kafka's default).
  minBytes: options.minBytes,
  maxWaitTimeInMs: options.maxWaitTimeInMs,
});
const arrivals: [string, number][] = [];
let joined = false;
let announced = false;
consumer.on(consumer.events.GROUP_JOIN, () => {
  joined = true;
});
// The first fetch after joining resolved the start offsets: from then on nothing is missed.
consumer.on(consumer.events.FETCH, () => {
  if (joined && !announced) {
    announced = true;
    process.stdout.write('ready\n');
  }
});

await consumer.connect();
await consumer.subscribe({ topic: options.topic, fromBeginning: false });
await consumer.run({
  eachMessage: async ({ message }) => {
    const at = Number(process.hrtime.bigint() / 1000n);
    if (!message.value) return;
    const event = JSON.parse(message.value.toString('utf8')) as { payload?: { messageId?: unknown } };
    const id = event.payload?.messageId;
    if (typeof id === 'string') arrivals.push([id, at]);
  },
});

// Progress for the orchestrator, which waits until every event of a run has arrived.
let reported = 0;
setInterval(() => {
  if (arrivals.length !== reported) {
    reported = arrivals.length;
    process.stdout.write(`arrived ${reported}\n`);
  }
}, 100).unref();

process.once('SIGTERM', () => {
  writeFileSync(options.outFile, JSON.stringify(arrivals));
  void consumer.disconnect().finally(() => process.exit(0));
});
