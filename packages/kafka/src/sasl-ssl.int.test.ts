// Managed Kafka (Confluent Cloud, MSK, Aiven) serves clients over SASL_SSL: a real Apache Kafka with
// such a listener, a private CA made here with openssl, and a SCRAM user written at format time.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { createLogger } from '@omnistream/logger';
import { type KafkaJarsBroker, startKafkaFromJars, until } from '@omnistream/testing/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from './client.ts';
import { runConsumer } from './consumer.ts';
import { ensureTopics } from './ensure-topics.ts';
import type { ConsumedMessage } from './messages.ts';
import { createProducer } from './producer.ts';
import { createRetryPolicy } from './retry-policy.ts';
import { explainKafkaConnectError, KafkaSecurityError } from './security-errors.ts';
import { silentLogger, text } from './test-kit.ts';

const run = promisify(execFile);
const USER = 'alice';
const PASSWORD = 'alice-pw-7f3c9a2e51';
const WRONG_PASSWORD = 'not-alices-pw-0b8d41';

interface Pki {
  /** PEM of the CA that signed the broker's certificate. */
  ca: string;
  /** PEM of a CA that signed nothing the broker presents. */
  otherCa: string;
  brokerKey: string;
  brokerCert: string;
}

/** A CA, a second unrelated CA, and a broker certificate for 127.0.0.1 signed by the first. */
async function makePki(dir: string): Promise<Pki> {
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir, timeout: 30_000 });
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  for (const name of ['ca', 'other-ca']) {
    await openssl(
      'req',
      '-x509',
      ...ecKey,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-subj',
      `/CN=omnistream test ${name}`,
    );
  }
  await openssl('req', ...ecKey, '-keyout', 'broker.key', '-out', 'broker.csr', '-subj', '/CN=127.0.0.1');
  // Node checks the address kafkajs dials (127.0.0.1) against the certificate's subjectAltName.
  await run('sh', ['-c', 'printf "subjectAltName=IP:127.0.0.1,DNS:localhost\\n" > broker.ext'], { cwd: dir });
  await openssl(
    'x509',
    '-req',
    '-in',
    'broker.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'broker.crt',
    '-days',
    '2',
    '-extfile',
    'broker.ext',
  );
  const read = (name: string) => readFile(join(dir, name), 'utf8');
  return {
    ca: await read('ca.crt'),
    otherCa: await read('other-ca.crt'),
    brokerKey: await read('broker.key'),
    brokerCert: await read('broker.crt'),
  };
}

/** A logger that keeps every line, with no redactor: a secret in a line is then really there. */
function capturingLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { lines, logger: createLogger({ name: 'sasl-ssl-test', level: 'debug', destination }) };
}

describe('Kafka over SASL_SSL (private CA, SCRAM-SHA-512)', () => {
  let dir = '';
  let pki: Pki;
  let broker: KafkaJarsBroker;
  let brokers: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'omnistream-sasl-ssl-'));
    pki = await makePki(dir);
    broker = await startKafkaFromJars({
      saslSsl: {
        keyPem: pki.brokerKey,
        certChainPem: pki.brokerCert,
        users: [{ name: USER, password: PASSWORD }],
      },
    });
    brokers = broker.saslSslBrokers ?? [];
  }, 120_000);

  afterAll(async () => {
    await broker?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** What a service builds from KAFKA_SSL=true, KAFKA_SSL_CA_FILE and KAFKA_SASL_* (kafkaSecuritySettings). */
  const security = (overrides: { ca?: string; password?: string } = {}) => ({
    ssl: { ca: overrides.ca ?? pki.ca },
    sasl: { mechanism: 'scram-sha-512' as const, username: USER, password: overrides.password ?? PASSWORD },
  });

  /** The services' start-up: createKafka, createProducer, connect, and the error it would throw. */
  async function startProducer(overrides: { ca?: string; password?: string }, logger = silentLogger) {
    const options = security(overrides);
    const kafka = createKafka({
      brokers,
      clientId: 'sasl-ssl-test',
      logger,
      ...options,
      retry: { retries: 1, initialRetryTime: 100 },
    });
    const producer = createProducer({ kafka, logger });
    try {
      await producer.connect();
      return { producer, kafka, error: undefined };
    } catch (err) {
      return { producer, kafka, error: explainKafkaConnectError(err, { brokers, ...options }) };
    }
  }

  it('produces and consumes through createKafka, the producer and the consumer with ssl {ca} and scram-sha-512', async () => {
    expect(brokers).toHaveLength(1);
    const { producer, kafka, error } = await startProducer({});
    expect(error).toBeUndefined();
    const topic = `omnistream.test.sasl-ssl.${Date.now()}`;
    await ensureTopics({
      kafka,
      topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
      logger: silentLogger,
    });

    const received: ConsumedMessage[] = [];
    const consumer = await runConsumer({
      kafka,
      logger: silentLogger,
      groupId: `omnistream-test-sasl-ssl-${Date.now()}`,
      topics: [topic],
      handler: async (m) => {
        received.push(m);
      },
      policy: createRetryPolicy({ initialDelayMs: 20, maxDelayMs: 100 }),
      deadLetter: {
        publish: async () => {
          throw new Error('no dead letter expected');
        },
      },
    });
    try {
      await producer.send(topic, [
        { key: 'contact-1', value: 'over TLS' },
        { key: 'contact-1', value: 'and SCRAM' },
      ]);
      await until(
        () => received.length,
        (n) => n >= 2,
        30_000,
      );
      expect(received.map((m) => [text(m.key), text(m.value)])).toEqual([
        ['contact-1', 'over TLS'],
        ['contact-1', 'and SCRAM'],
      ]);
    } finally {
      await consumer.stop();
      await producer.disconnect();
    }
  }, 60_000);

  it('also accepts SASL PLAIN, the mechanism of Confluent Cloud API keys', async () => {
    const kafka = createKafka({
      brokers,
      clientId: 'sasl-ssl-test-plain',
      logger: silentLogger,
      ssl: { ca: pki.ca },
      sasl: { mechanism: 'plain', username: USER, password: PASSWORD },
    });
    const producer = createProducer({ kafka, logger: silentLogger });
    await producer.connect();
    expect(producer.connected).toBe(true);
    await producer.disconnect();
  });

  it('a wrong password fails start-up with KAFKA_SASL_REFUSED naming the user and variables, and the password is in neither the error nor the log', async () => {
    const { lines, logger } = capturingLogger();
    const { producer, error } = await startProducer({ password: WRONG_PASSWORD }, logger);
    await producer.disconnect();

    expect(error).toBeInstanceOf(KafkaSecurityError);
    const e = error as KafkaSecurityError;
    expect(e.code).toBe('KAFKA_SASL_REFUSED');
    expect(e.message).toContain(`user "${USER}" (KAFKA_SASL_USERNAME)`);
    expect(e.message).toContain('KAFKA_SASL_PASSWORD');
    expect(e.message).toContain('scram-sha-512');
    // What Node prints for an uncaught start-up error: message, stack, cause chain and own fields.
    const { inspect } = await import('node:util');
    expect(inspect(e, { depth: 10 })).not.toContain(WRONG_PASSWORD);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('')).not.toContain(WRONG_PASSWORD);
  });

  it('a broker certificate from a CA the client does not trust fails start-up with KAFKA_TLS_UNTRUSTED', async () => {
    const { producer, error } = await startProducer({ ca: pki.otherCa });
    await producer.disconnect();

    expect(error).toBeInstanceOf(KafkaSecurityError);
    const e = error as KafkaSecurityError;
    expect(e.code).toBe('KAFKA_TLS_UNTRUSTED');
    expect(e.message).toContain(brokers[0]);
    expect(e.message).toMatch(/not trusted \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)/);
    expect(e.message).toContain(
      "KAFKA_SSL_CA_FILE does not hold the CA that signed the broker's certificate",
    );
  });
});
