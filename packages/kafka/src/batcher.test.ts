import type { TopicMessages } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createSendBatcher, type SendBatcherOptions } from './batcher.ts';

/** A fake broker whose requests are acknowledged (or failed) when the test says so. */
function fakeBroker() {
  const requests: { topicMessages: TopicMessages[]; ack: () => void; fail: (e: Error) => void }[] = [];
  const sendBatch = (topicMessages: TopicMessages[]) =>
    new Promise<void>((resolve, reject) => {
      requests.push({ topicMessages, ack: resolve, fail: reject });
    });
  return { requests, sendBatch };
}

function batcher(overrides: Partial<SendBatcherOptions> & Pick<SendBatcherOptions, 'sendBatch'>) {
  return createSendBatcher({
    lingerMs: 0,
    maxBatchMessages: 500,
    maxBatchBytes: 1 << 20,
    maxInFlight: 1,
    ...overrides,
  });
}

const tick = () => new Promise((r) => setImmediate(r));
const msg = (value: string) => ({ key: value, value });

function settledState(promise: Promise<unknown>) {
  const state = { settled: false, error: undefined as unknown };
  promise.then(
    () => {
      state.settled = true;
    },
    (error) => {
      state.settled = true;
      state.error = error;
    },
  );
  return state;
}

describe('send batcher', () => {
  it('turns 200 sends of the same tick into one request, resolving each only once it is acknowledged', async () => {
    const broker = fakeBroker();
    const b = batcher({ sendBatch: broker.sendBatch });
    const sends = Array.from({ length: 200 }, (_, i) => b.add(i % 2 ? 'topic.a' : 'topic.b', [msg(`m${i}`)]));
    const states = sends.map(settledState);
    await tick();

    expect(broker.requests).toHaveLength(1);
    const request = broker.requests[0]!;
    expect(request.topicMessages.map((t) => t.topic).sort()).toEqual(['topic.a', 'topic.b']);
    expect(request.topicMessages.flatMap((t) => t.messages)).toHaveLength(200);
    // Order within a topic is the order of the calls: same-key records stay ordered.
    expect(
      request.topicMessages
        .find((t) => t.topic === 'topic.a')!
        .messages.slice(0, 3)
        .map((m) => m.value),
    ).toEqual(['m1', 'm3', 'm5']);
    await tick();
    expect(states.some((s) => s.settled)).toBe(false);

    request.ack();
    await Promise.all(sends);
  });

  it('rejects only the callers whose batch failed', async () => {
    const broker = fakeBroker();
    const b = batcher({ sendBatch: broker.sendBatch, maxBatchMessages: 2, maxInFlight: 2 });
    const first = [b.add('t', [msg('1')]), b.add('t', [msg('2')])];
    const second = [b.add('t', [msg('3')])];
    await tick();
    expect(broker.requests).toHaveLength(2);

    broker.requests[0]!.fail(new Error('NOT_ENOUGH_REPLICAS'));
    broker.requests[1]!.ack();
    for (const p of first) await expect(p).rejects.toThrow('NOT_ENOUGH_REPLICAS');
    await expect(Promise.all(second)).resolves.toBeDefined();
  });

  it('bounds a request by message count and bytes, never splitting one caller', async () => {
    const broker = fakeBroker();
    const b = batcher({
      sendBatch: broker.sendBatch,
      maxBatchMessages: 3,
      maxBatchBytes: 1_000,
      maxInFlight: 10,
    });
    void b.add('t', [msg('a'), msg('b')]);
    void b.add('t', [msg('c'), msg('d')]); // would make 4 > 3: next request
    void b.add('t', [msg('x'.repeat(2_000))]); // alone: bigger than a whole request
    void b.add(
      't',
      Array.from({ length: 5 }, (_, i) => msg(`big${i}`)),
    ); // one caller, 5 > 3: kept whole
    await tick();
    expect(broker.requests.map((r) => r.topicMessages[0]!.messages.length)).toEqual([2, 2, 1, 5]);
  });

  it('while a request is in flight, queues the next sends and sends them together right after it', async () => {
    const broker = fakeBroker();
    const b = batcher({ sendBatch: broker.sendBatch });
    const first = b.add('t', [msg('1')]);
    await tick();
    const later = [b.add('t', [msg('2')]), b.add('t', [msg('3')])];
    await tick();
    await tick();
    expect(broker.requests).toHaveLength(1); // maxInFlight 1: the order of batches is the order of sends

    broker.requests[0]!.ack();
    await first;
    await tick();
    expect(broker.requests).toHaveLength(2);
    expect(broker.requests[1]!.topicMessages[0]!.messages.map((m) => m.value)).toEqual(['2', '3']);
    broker.requests[1]!.ack();
    await Promise.all(later);
  });

  it('waits lingerMs for more senders, and flush() sends at once and waits for the acknowledgement', async () => {
    const broker = fakeBroker();
    const b = batcher({ sendBatch: broker.sendBatch, lingerMs: 60_000 });
    const sent = b.add('t', [msg('1')]);
    await tick();
    expect(broker.requests).toHaveLength(0);

    const flushed = settledState(b.flush());
    await tick();
    expect(broker.requests).toHaveLength(1);
    expect(flushed.settled).toBe(false);
    broker.requests[0]!.ack();
    await sent;
    await tick();
    expect(flushed.settled).toBe(true);
  });

  it('turns a synchronous throw of sendBatch into a rejection of that batch only', async () => {
    let calls = 0;
    const b = batcher({
      sendBatch: () => {
        calls++;
        if (calls === 1) throw new Error('boom');
        return Promise.resolve();
      },
    });
    await expect(b.add('t', [msg('1')])).rejects.toThrow('boom');
    await expect(b.add('t', [msg('2')])).resolves.toBeUndefined();
  });
});
