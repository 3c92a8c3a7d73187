// Helpers shared by this package's integration tests (never imported by production code).
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@omnistream/logger';
import { testKafka } from '@omnistream/testing';
import { createKafka } from './client.ts';
import type { Producer } from './producer.ts';
import { createProducer } from './producer.ts';

export const silentLogger: Logger = createLogger({
  name: 'kafka-test',
  level: 'silent',
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});

export function testKafkaClient(clientId = 'omnistream-kafka-test') {
  return createKafka({ brokers: testKafka().brokers, clientId, logger: silentLogger });
}

export async function connectedProducer(options: { lingerMs?: number } = {}): Promise<Producer> {
  const producer = createProducer({
    kafka: testKafkaClient('omnistream-kafka-test-producer'),
    logger: silentLogger,
    ...options,
  });
  await producer.connect();
  return producer;
}

/** Polls until `condition` holds; fails with `what` when it does not within `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export const text = (value: Buffer | null) => value?.toString() ?? null;
