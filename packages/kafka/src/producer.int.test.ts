import { randomUUID } from 'node:crypto';
import { readMessages, uniqueTopic } from '@omnistream/testing';
import { describe, it } from 'vitest';
import { createProducer } from './producer.ts';
import { silentLogger, testKafkaClient } from './test-kit.ts';

describe.concurrent('producer against a real broker', () => {
  it('sends 200 concurrent messages in a handful of requests; each caller resolves and every message arrives once', async ({
    expect,
  }) => {
    const topic = await uniqueTopic({ label: 'coalesce' });
    const kafka = testKafkaClient();
    // Count Produce requests on the wire through kafkajs' instrumentation events.
    let produceRequests = 0;
    const createKafkajsProducer = kafka.producer.bind(kafka);
    kafka.producer = (config) => {
      const p = createKafkajsProducer(config);
      p.on(p.events.REQUEST, ({ payload }) => {
        if (payload.apiName === 'Produce') produceRequests++;
      });
      return p;
    };
    const producer = createProducer({ kafka, logger: silentLogger });
    await producer.connect();

    const values = Array.from({ length: 200 }, (_, i) => `message-${i}`);
    await Promise.all(values.map((v, i) => producer.send(topic, [{ key: `contact-${i % 17}`, value: v }])));
    await producer.disconnect();

    expect(produceRequests).toBeGreaterThan(0);
    expect(produceRequests).toBeLessThanOrEqual(3);
    const read = await readMessages({ topic, count: 200, settleMs: 500 });
    expect(read.map((m) => m.text).sort()).toEqual([...values].sort());
  });

  it('disconnect() delivers the sends still waiting for their linger', async ({ expect }) => {
    const topic = await uniqueTopic({ label: 'linger' });
    const producer = createProducer({ kafka: testKafkaClient(), logger: silentLogger, lingerMs: 10_000 });
    await producer.connect();
    const sends = ['a', 'b', 'c'].map((v) => producer.send(topic, [{ key: v, value: v }]));
    const started = Date.now();
    await producer.disconnect();
    await Promise.all(sends);
    expect(Date.now() - started).toBeLessThan(5_000);
    const read = await readMessages({ topic, count: 3 });
    expect(read.map((m) => m.text).sort()).toEqual(['a', 'b', 'c']);
  });

  it('fails the send for a topic that does not exist instead of creating it', async ({ expect }) => {
    const producer = createProducer({
      kafka: testKafkaClient(),
      logger: silentLogger,
      retry: { retries: 1, initialRetryTime: 100 },
    });
    await producer.connect();
    try {
      await expect(
        producer.send(`omnistream.test.missing.${randomUUID()}`, [{ value: 'x' }]),
      ).rejects.toThrow();
    } finally {
      await producer.disconnect();
    }
  });
});
