import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startKafkaBroker } from './kafka-broker.ts';
import { testKafka } from './kafka-test-topics.ts';

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
  it('uses KAFKA_BROKERS when set, creating nothing to stop', async () => {
    const saved = process.env.KAFKA_BROKERS;
    process.env.KAFKA_BROKERS = testKafka().brokers.join(',');
    try {
      const broker = await startKafkaBroker({ topics: [] });
      expect(broker).toMatchObject({ kind: 'env', brokers: testKafka().brokers });
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
      // A Kafka version whose jars were never fetched: deterministic on any machine.
      const outcome = await startKafkaBroker({ topics: [], docker: false, kafkaVersion: '0.0.1' }).catch(
        (e: Error) => e,
      );
      if (!(outcome instanceof Error)) await outcome.stop();
      expect(outcome).toBeInstanceOf(Error);
      const message = (outcome as Error).message;
      expect(message).toMatch(/no Kafka broker for the tests/);
      expect(message).toMatch(/KAFKA_BROKERS is not set/);
      expect(message).toMatch(/Docker: disabled by the caller/);
      expect(message).toMatch(
        /Kafka jars: Kafka 0\.0\.1 jars missing in .*kafka-0\.0\.1.*OMNISTREAM_TEST_KAFKA_VERSION=0\.0\.1 scripts\/setup\.sh/,
      );
    } finally {
      if (saved !== undefined) process.env.KAFKA_BROKERS = saved;
    }
  });

  it('this run uses real Apache Kafka, and says which', () => {
    // KAFKA_BROKERS and Docker may name another real Kafka; without them it is the jars broker.
    expect(['env', 'testcontainers', 'kafka']).toContain(testKafka().kind);
  });
});
