import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { startKafkaBroker } from './kafka-broker.ts';
import { readMessages } from './kafka-read.ts';
import { testKafka } from './kafka-test-topics.ts';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function accepts(address: string): Promise<boolean> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    const socket = connect(Number(port), host, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

// These start brokers of their own, so they leave KAFKA_BROKERS of the run alone unless stated.
describe('startKafkaBroker', () => {
  it('without Docker starts mokapi serving the named topics and a scratch pool, and stop() ends the process', async () => {
    const saved = process.env.KAFKA_BROKERS;
    delete process.env.KAFKA_BROKERS;
    const broker = await startKafkaBroker({
      topics: ['omnistream.inbound.v1'],
      docker: false,
      scratchTopics: 8,
    });
    if (saved !== undefined) process.env.KAFKA_BROKERS = saved;
    const pid = Number(/pid (\d+)/.exec(broker.description)?.[1]);
    try {
      expect(broker.kind).toBe('mokapi');
      expect(broker.topicPool).toMatchObject({ prefix: 'omnistream.test.', size: 8, partitions: 3 });
      const kafka = new Kafka({
        brokers: broker.brokers,
        clientId: 'harness-test',
        logLevel: logLevel.NOTHING,
      });
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      await producer.send({
        topic: 'omnistream.inbound.v1',
        acks: -1,
        messages: [{ key: 'k', value: 'not json' }],
      });
      await producer.disconnect();
      const [read] = await readMessages({
        topic: 'omnistream.inbound.v1',
        count: 1,
        brokers: broker.brokers,
      });
      expect(read?.text).toBe('not json');
      const admin = kafka.admin();
      await admin.connect();
      expect((await admin.listTopics()).sort()).toEqual(
        ['omnistream.inbound.v1', ...Array.from({ length: 8 }, (_, i) => `omnistream.test.${i}`)].sort(),
      );
      await admin.disconnect();
      expect(isAlive(pid)).toBe(true);
    } finally {
      await broker.stop();
    }
    expect(isAlive(pid)).toBe(false);
    expect(await accepts(broker.brokers[0] as string)).toBe(false);
    expect(existsSync(broker.topicPool?.dir as string)).toBe(false);
  });

  it('restarts a mokapi that died on the same address, so later test files still have a broker', async () => {
    const broker = await startKafkaBroker({
      topics: ['omnistream.restart.v1'],
      docker: false,
      scratchTopics: 2,
    });
    try {
      const pid = Number(/pid (\d+)/.exec(broker.description)?.[1]);
      process.kill(pid, 'SIGKILL');
      const address = broker.brokers[0] as string;
      const deadline = Date.now() + 15_000;
      let back = false;
      while (!back && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        back = !isAlive(pid) && (await accepts(address));
      }
      expect(back).toBe(true);
      const kafka = new Kafka({ brokers: broker.brokers, clientId: 't', logLevel: logLevel.NOTHING });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({
        topic: 'omnistream.restart.v1',
        acks: -1,
        messages: [{ value: 'after restart' }],
      });
      await producer.disconnect();
    } finally {
      await broker.stop();
    }
  });

  it('uses KAFKA_BROKERS when set, creating nothing to stop', async () => {
    const saved = process.env.KAFKA_BROKERS;
    process.env.KAFKA_BROKERS = testKafka().brokers.join(',');
    try {
      const broker = await startKafkaBroker({ topics: [] });
      expect(broker).toMatchObject({ kind: 'env', brokers: testKafka().brokers, topicPool: null });
      await broker.stop();
      expect(await accepts(testKafka().brokers[0] as string)).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.KAFKA_BROKERS;
      else process.env.KAFKA_BROKERS = saved;
    }
  });

  it('fails saying what it tried when no broker can be had', async () => {
    const saved = process.env.KAFKA_BROKERS;
    delete process.env.KAFKA_BROKERS;
    try {
      // A name Kafka would refuse makes mokapi unstartable, deterministically.
      const outcome = await startKafkaBroker({ topics: ['not a topic'], docker: false }).catch(
        (e: Error) => e,
      );
      if (!(outcome instanceof Error)) await outcome.stop();
      expect(outcome).toBeInstanceOf(Error);
      const message = (outcome as Error).message;
      expect(message).toMatch(/no Kafka-protocol broker for the tests/);
      expect(message).toMatch(/KAFKA_BROKERS is not set/);
      expect(message).toMatch(/Docker: disabled by the caller/);
      expect(message).toMatch(/mokapi: illegal Kafka topic name: "not a topic"/);
    } finally {
      if (saved !== undefined) process.env.KAFKA_BROKERS = saved;
    }
  });
});
