import { Writable } from 'node:stream';
import { createLogger } from '@omnistream/logger';
import { CompressionTypes, type Kafka, type ProducerBatch } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createProducer } from './producer.ts';

function fakeKafka(options: { failSends?: number } = {}) {
  const calls: string[] = [];
  const batches: ProducerBatch[] = [];
  let failuresLeft = options.failSends ?? 0;
  const producer = {
    connect: async () => {
      calls.push('connect');
    },
    disconnect: async () => {
      calls.push('disconnect');
    },
    sendBatch: async (batch: ProducerBatch) => {
      // wait-ok: the fake broker's round trip, part of the scenario (not a wait for a condition).
      await new Promise((r) => setTimeout(r, 5));
      if (failuresLeft-- > 0) throw new Error('KafkaJSNumberOfRetriesExceeded');
      calls.push(`sendBatch:${batch.topicMessages?.flatMap((t) => t.messages).length}`);
      batches.push(batch);
      return [];
    },
  };
  return { kafka: { producer: () => producer } as unknown as Kafka, calls, batches };
}

const silent = createLogger({
  name: 'test',
  level: 'silent',
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});

describe('producer', () => {
  it('waits for acks from all in-sync replicas', async () => {
    const fake = fakeKafka();
    const producer = createProducer({ kafka: fake.kafka, logger: silent });
    await producer.connect();
    await producer.send('t', [{ key: 'k', value: 'v' }]);
    expect(fake.batches[0]?.acks).toBe(-1);
  });

  it('refuses to send before connect() and after disconnect(), saying why', async () => {
    const producer = createProducer({ kafka: fakeKafka().kafka, logger: silent });
    await expect(producer.send('orders', [{ value: 'x' }])).rejects.toThrow(
      /producer is idle, cannot send to orders/,
    );
    await producer.connect();
    await producer.disconnect();
    await expect(producer.send('orders', [{ value: 'x' }])).rejects.toThrow(/disconnected/);
  });

  it('disconnect() first delivers what is still lingering, then closes', async () => {
    const fake = fakeKafka();
    const producer = createProducer({ kafka: fake.kafka, logger: silent, lingerMs: 60_000 });
    await producer.connect();
    const sends = [producer.send('t', [{ value: '1' }]), producer.send('t', [{ value: '2' }])];
    await producer.disconnect();
    await Promise.all(sends);
    expect(fake.calls).toEqual(['connect', 'sendBatch:2', 'disconnect']);
  });

  it('reports connected and healthy for readiness, unhealthy after a failed batch until one succeeds', async () => {
    const producer = createProducer({ kafka: fakeKafka({ failSends: 1 }).kafka, logger: silent });
    expect(producer.connected).toBe(false);
    await producer.connect();
    expect([producer.connected, producer.healthy]).toEqual([true, true]);
    await expect(producer.send('t', [{ value: '1' }])).rejects.toThrow('KafkaJSNumberOfRetriesExceeded');
    expect([producer.connected, producer.healthy]).toEqual([true, false]);
    await producer.send('t', [{ value: '2' }]);
    expect(producer.healthy).toBe(true);
    await producer.disconnect();
    expect([producer.connected, producer.healthy]).toEqual([false, false]);
  });

  it('with gzip, compresses large batches and leaves a small one (a lone webhook) as it is', async () => {
    const fake = fakeKafka();
    const producer = createProducer({ kafka: fake.kafka, logger: silent, compression: 'gzip' });
    await producer.connect();
    await producer.send('t', [{ key: 'k', value: 'x'.repeat(2_000) }]);
    await producer.send('t', [{ key: 'k', value: 'x'.repeat(70_000) }]);
    expect(fake.batches.map((b) => b.compression)).toEqual([CompressionTypes.None, CompressionTypes.GZIP]);
  });

  it('with gzip, leaves a request of many small sends (webhooks under load) uncompressed', async () => {
    const fake = fakeKafka();
    const producer = createProducer({ kafka: fake.kafka, logger: silent, compression: 'gzip' });
    await producer.connect();
    // 60 sends of 2 KB in one tick: one request of 120 KB, no single send near 64 KiB.
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => producer.send('t', [{ key: `k${i}`, value: 'x'.repeat(2_000) }])),
    );
    expect(fake.batches).toHaveLength(1);
    expect(fake.batches[0]?.topicMessages?.[0]?.messages).toHaveLength(60);
    expect(fake.batches[0]?.compression).toBe(CompressionTypes.None);
  });

  it('never compresses without gzip', async () => {
    const fake = fakeKafka();
    const producer = createProducer({ kafka: fake.kafka, logger: silent });
    await producer.connect();
    await producer.send('t', [{ key: 'k', value: 'x'.repeat(70_000) }]);
    expect(fake.batches.map((b) => b.compression)).toEqual([CompressionTypes.None]);
  });
});
