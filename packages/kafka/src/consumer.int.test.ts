import { uniqueGroupId, uniqueTopic, until } from '@omnistream/testing';
import { describe, it } from 'vitest';
import { type ConsumerRunner, runConsumer } from './consumer.ts';
import type { DeadLetterSink } from './dead-letter.ts';
import type { MessageHandler } from './message-processor.ts';
import type { ConsumedMessage } from './messages.ts';
import { createRetryPolicy, type FailurePolicy } from './retry-policy.ts';
import {
  connectedProducer,
  deferred,
  groupCaughtUp,
  silentLogger,
  testKafkaClient,
  text,
} from './test-kit.ts';

const noDeadLetters: DeadLetterSink = {
  publish: async () => {
    throw new Error('no dead letter expected in this test');
  },
};

async function consume(options: {
  topic: string;
  groupId: string;
  handler: MessageHandler;
  policy?: FailurePolicy;
  deadLetter?: DeadLetterSink;
}): Promise<ConsumerRunner> {
  return runConsumer({
    kafka: testKafkaClient(),
    logger: silentLogger,
    groupId: options.groupId,
    topics: [options.topic],
    handler: options.handler,
    policy: options.policy ?? createRetryPolicy({ initialDelayMs: 20, maxDelayMs: 100 }),
    deadLetter: options.deadLetter ?? noDeadLetters,
  });
}

/** A consumer that records what it handles, to see what a group is (re)delivered. */
async function recorder(topic: string, groupId: string) {
  const seen: string[] = [];
  const runner = await consume({
    topic,
    groupId,
    handler: async (m) => {
      seen.push(text(m.value) ?? '');
    },
  });
  return { seen, runner };
}

describe.concurrent('consumer against a real broker', () => {
  it('hands every message to the handler with its key, value and headers, and commits it', async ({
    expect,
  }) => {
    const [topic, groupId] = [await uniqueTopic({ label: 'roundtrip' }), uniqueGroupId('roundtrip')];
    const producer = await connectedProducer();
    const received: ConsumedMessage[] = [];
    const runner = await consume({
      topic,
      groupId,
      handler: async (m) => {
        received.push(m);
      },
    });
    await producer.send(
      topic,
      Array.from({ length: 10 }, (_, i) => ({
        key: `k${i}`,
        value: `v${i}`,
        headers: { 'x-event-id': `e${i}` },
      })),
    );
    await until(
      () => received.length,
      (n) => n >= 10,
    );
    expect(runner.running).toBe(true);
    await runner.stop();
    expect(runner.running).toBe(false);
    expect(received.map((m) => [m.key?.toString(), text(m.value), m.headers['x-event-id']]).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => [`k${i}`, `v${i}`, `e${i}`]).sort(),
    );

    // Same group again: only what was produced since comes, so all ten offsets were committed.
    const again = await recorder(topic, groupId);
    await producer.send(topic, [{ key: 'k0', value: 'after-restart' }]);
    // Every record of the topic handled and committed: an old one redelivered would be in `seen`.
    await groupCaughtUp(topic, groupId);
    await again.runner.stop();
    await producer.disconnect();
    expect(again.seen).toEqual(['after-restart']);
  });

  it('retries a failing handler in place until it succeeds, keeping the partition in order', async ({
    expect,
  }) => {
    const [topic, groupId] = [await uniqueTopic({ label: 'retry' }), uniqueGroupId('retry')];
    const producer = await connectedProducer();
    const log: string[] = [];
    const runner = await consume({
      topic,
      groupId,
      handler: async (m, { attempt }) => {
        log.push(`${text(m.value)}#${attempt}`);
        if (text(m.value) === 'flaky' && attempt < 3)
          throw Object.assign(new Error('Graph 503'), { retryable: true });
      },
    });
    await producer.send(topic, [
      { key: 'same-contact', value: 'flaky' },
      { key: 'same-contact', value: 'next' },
    ]);
    await until(
      () => log,
      (l) => l.includes('next#1'),
    );
    await runner.stop();
    await producer.disconnect();
    expect(log).toEqual(['flaky#1', 'flaky#2', 'flaky#3', 'next#1']);
  });

  it('redelivers a message whose handler failed after a restart in the same group: its offset was not committed', async ({
    expect,
  }) => {
    const [topic, groupId] = [await uniqueTopic({ label: 'redeliver' }), uniqueGroupId('redeliver')];
    const producer = await connectedProducer();
    const attempts: string[] = [];
    const first = await consume({
      topic,
      groupId,
      handler: async (m) => {
        attempts.push(text(m.value) ?? '');
        throw new Error('database unavailable');
      },
      // Long enough that only a stop ends the wait.
      policy: { onFailure: () => ({ action: 'retry', delayMs: 60_000 }) },
    });
    await producer.send(topic, [
      { key: 'c1', value: 'first' },
      { key: 'c1', value: 'second' },
    ]);
    await until(
      () => attempts,
      (a) => a.length === 1,
    );
    const stopStarted = Date.now();
    await first.stop();
    expect(Date.now() - stopStarted).toBeLessThan(10_000); // the pending retry delay was abandoned
    expect(attempts).toEqual(['first']);

    const second = await recorder(topic, groupId);
    await until(
      () => second.seen,
      (seen) => seen.length >= 2,
    );
    await second.runner.stop();
    await producer.disconnect();
    expect(second.seen).toEqual(['first', 'second']);
  });

  it('stop() lets the in-flight handler finish and commits it before leaving the group', async ({
    expect,
  }) => {
    const [topic, groupId] = [await uniqueTopic({ label: 'stop' }), uniqueGroupId('stop')];
    const producer = await connectedProducer();
    const started = deferred();
    const release = deferred();
    let finished = false;
    const runner = await consume({
      topic,
      groupId,
      handler: async (m) => {
        if (text(m.value) !== 'slow') return;
        started.resolve();
        await release.promise;
        finished = true;
      },
    });
    await producer.send(topic, [
      { key: 'c1', value: 'slow' },
      { key: 'c1', value: 'queued' },
    ]);
    await started.promise;

    let stopped = false;
    const stopping = runner.stop().then(() => {
      stopped = true;
    });
    // wait-ok: asserts stop() does NOT resolve while the handler runs; no event marks "still waiting".
    await new Promise((r) => setTimeout(r, 300));
    expect(stopped).toBe(false); // waiting for the handler
    release.resolve();
    await stopping;
    expect(finished).toBe(true);

    // 'slow' was committed on the way out; 'queued' was never handled, so it comes back.
    const again = await recorder(topic, groupId);
    // Every record handled and committed: 'slow' redelivered would be in `seen` (before 'queued').
    await groupCaughtUp(topic, groupId);
    await again.runner.stop();
    await producer.disconnect();
    expect(again.seen).toEqual(['queued']);
  });
});
