// Scenario (e) of the ingest benchmark: the fixed-rate load of (c) with a separate consumer process
// reading the inbound topic, as a CRM would; see e2e-consumer.ts and e2e-latency.ts.
import { join } from 'node:path';
import { type Child, spawnNode, stopChild } from './children.ts';
import { type E2eLatency, e2eLatency, messageIdsOf } from './e2e-latency.ts';

const BENCH_DIR = new URL('.', import.meta.url).pathname;

export interface E2eConsumer {
  child: Child;
  /** Events received so far. */
  arrived(): number;
  /** Stops the consumer and joins its arrivals with the load generator's send log. */
  finish(sendLogFile: string): Promise<E2eLatency>;
}

/** Starts the consumer; resolves once it reads the topic (everything produced after is seen). */
export async function startE2eConsumer(options: {
  brokers: readonly string[];
  topic: string;
  workDir: string;
  tag: string;
  requestBodies: readonly string[];
  fetch: { minBytes: number; maxWaitTimeInMs: number };
}): Promise<E2eConsumer> {
  const arrivalsFile = join(options.workDir, `arrivals-${options.tag}.json`);
  let arrived = 0;
  let ready: () => void = () => {};
  const isReady = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const child = spawnNode({
    name: 'e2e-consumer',
    args: [
      join(BENCH_DIR, 'e2e-consumer.ts'),
      JSON.stringify({
        brokers: options.brokers,
        topic: options.topic,
        outFile: arrivalsFile,
        ...options.fetch,
      }),
    ],
    cwd: options.workDir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    onStdoutLine: (line) => {
      if (line === 'ready') ready();
      else if (line.startsWith('arrived ')) arrived = Number(line.slice('arrived '.length));
    },
  });
  const timeout = setTimeout(() => child.process.kill('SIGKILL'), 60_000);
  await Promise.race([
    isReady,
    child.exited.then(() => {
      throw new Error(`the e2e consumer exited before it was ready:\n${child.tail()}`);
    }),
  ]);
  clearTimeout(timeout);
  return {
    child,
    arrived: () => arrived,
    async finish(sendLogFile) {
      await stopChild(child, 10_000);
      return e2eLatency({
        idsByIndex: options.requestBodies.map(messageIdsOf),
        sendLogFile,
        arrivalsFile,
      });
    },
  };
}
