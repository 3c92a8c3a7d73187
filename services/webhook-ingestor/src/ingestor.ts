import type { KafkaSecuritySettings } from '@omnistream/config';
import type { Pool } from '@omnistream/db';
import {
  createIntegrationsRepository,
  createTokenCipher,
  createTokenProvider,
  type EncryptionKey,
  type TokenProvider,
  tokenLast4,
} from '@omnistream/integrations';
import {
  createKafka,
  createProducer,
  explainKafkaConnectError,
  KafkaSecurityError,
  type Producer,
} from '@omnistream/kafka';
import type { Logger, Redactor } from '@omnistream/logger';
import { createMetricsRegistry, type HttpLimits, type ShutdownStep } from '@omnistream/service-kit';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { buildApp } from './app.ts';
import { createEventPublisher, type EventPublisher } from './event-publisher.ts';
import { createIngestorMetrics } from './metrics.ts';
import { createSpoolRepository, type SpoolRepository } from './spool.repository.ts';
import { createSpoolRelay, type SpoolRelay } from './spool-relay.ts';

export interface IngestorSettings {
  appSecret: string;
  instagramAppSecret?: string | undefined;
  verifyToken: string;
  bodyLimitBytes: number;
  /** Timeouts and the connection cap of the public server. */
  httpLimits?: HttpLimits | undefined;
  brokers: string[];
  clientId: string;
  /** KAFKA_SSL* and KAFKA_SASL_* as kafkaSecuritySettings built them; unset: plaintext, no SASL. */
  kafkaSecurity?: KafkaSecuritySettings | undefined;
  inboundTopic: string;
  publishTimeoutMs: number;
  relayIntervalMs: number;
  /** INBOUND_EVENT_MAX_BYTES: larger events are quarantined without being offered to Kafka. */
  maxEventBytes?: number | undefined;
  /** SPOOL_STUCK_AFTER_MS: readiness reports the relay stuck after this long without progress. */
  spoolStuckAfterMs?: number | undefined;
  integrationsPollIntervalMs: number;
  encryptionKeys: readonly EncryptionKey[];
  fallback?: { whatsappPhoneNumberId?: string | undefined; whatsappToken?: string | undefined };
}

/** INBOUND_EVENT_MAX_BYTES' default (packages/config). */
const DEFAULT_MAX_EVENT_BYTES = 7 * 1024 * 1024;

export interface Ingestor {
  app: FastifyInstance;
  producer: Producer;
  publisher: EventPublisher;
  relay: SpoolRelay;
  spool: SpoolRepository;
  tokenProvider: TokenProvider;
  registry: Registry;
  /** Ordered shutdown: refuse new webhooks, finish in-flight ones, drain the relay, flush, close. */
  shutdownSteps: ShutdownStep[];
}

/**
 * Wires the ingestor's real parts. Starts the token polling, the Kafka connection (tolerating a
 * broker that is down: events then go to the spool) and the relay; does not listen.
 */
export async function createIngestor(deps: {
  settings: IngestorSettings;
  logger: Logger;
  redactor?: Redactor;
  pool: Pool;
}): Promise<Ingestor> {
  const { settings, logger, pool } = deps;
  const cipher = createTokenCipher(settings.encryptionKeys);
  const tokenProvider = createTokenProvider({
    repository: createIntegrationsRepository({ pool, cipher }),
    logger,
    intervalMs: settings.integrationsPollIntervalMs,
    fallback: settings.fallback,
    ...(deps.redactor ? { redactor: deps.redactor } : {}),
  });
  await tokenProvider.start();

  const kafka = createKafka({
    brokers: settings.brokers,
    clientId: settings.clientId,
    logger,
    ...settings.kafkaSecurity,
    // Fail fast: a webhook waits at most publishTimeoutMs before its events are spooled anyway.
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
    connectionTimeoutMs: 1_000,
  });
  // gzip only for a request carrying a large webhook's events (64 KiB or more from one send): they
  // fit a topic's max.message.bytes better and are held in memory smaller until the broker answers.
  // A request of many small webhooks goes as it is: zlib was ~11 % of the CPU at saturation.
  const producer = createProducer({ kafka, logger, compression: 'gzip' });
  const admin = kafka.admin();
  let adminConnected = false;
  async function probeKafka(): Promise<void> {
    if (!producer.connected) await producer.connect();
    if (!adminConnected) {
      await admin.connect();
      adminConnected = true;
    }
    await admin.fetchTopicMetadata({ topics: [settings.inboundTopic] });
  }

  const registry = createMetricsRegistry('webhook-ingestor');
  const metrics = createIngestorMetrics(registry);
  const spool = createSpoolRepository({ pool });
  let wakeRelay = () => {};
  const publisher = createEventPublisher({
    producer,
    spool,
    topic: settings.inboundTopic,
    timeoutMs: settings.publishTimeoutMs,
    maxEventBytes: settings.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
    logger,
    metrics,
    onSpooled: () => wakeRelay(),
  });
  try {
    await probeKafka();
  } catch (err) {
    const explained = explainKafkaConnectError(err, { brokers: settings.brokers, ...settings.kafkaSecurity });
    // Refused credentials or an untrusted certificate do not heal by waiting: spooling would only
    // hide the misconfiguration until the spool is full.
    if (explained instanceof KafkaSecurityError) {
      await tokenProvider.stop();
      await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
      throw explained;
    }
    logger.warn(
      { err, brokers: settings.brokers },
      'Kafka is unreachable at start; events go to the spool until it answers',
    );
    publisher.markSpooling();
  }
  // Events left in the spool by an earlier run go out before any new one is published directly.
  if ((await spool.count()) > 0) publisher.markSpooling();

  const relay = createSpoolRelay({
    spool,
    producer,
    publisher,
    probe: probeKafka,
    logger,
    metrics,
    intervalMs: settings.relayIntervalMs,
    stuckAfterMs: settings.spoolStuckAfterMs ?? 60_000,
  });
  wakeRelay = () => relay.wake();
  relay.start();

  let shuttingDown = false;
  const app = buildApp({
    logger,
    verifyToken: settings.verifyToken,
    appSecret: settings.appSecret,
    instagramAppSecret: settings.instagramAppSecret,
    bodyLimitBytes: settings.bodyLimitBytes,
    httpLimits: settings.httpLimits,
    publisher,
    normalizeContext: () => ({
      receivedAt: new Date().toISOString(),
      integrationIdFor: (channel, accountId) => tokenProvider.integrationIdFor(channel, accountId),
      encryptToken: (token) => ({ ...cipher.encrypt(token), last4: tokenLast4(token) }),
    }),
    metrics,
    registry,
    readiness: [
      { name: 'kafka', check: () => producer.healthy && publisher.direct },
      {
        name: 'spool',
        check: async () => {
          await pool.query('SELECT 1');
          return true;
        },
      },
      // Readiness is 'any': a webhook is safe once Kafka or the spool holds it. A stuck relay (Kafka
      // down, or refusing something that is not one event's fault) does not make the spool less
      // durable, so it must not take this instance out of the load balancer: Meta would only retry
      // elsewhere, or give up. It is reported here (and in omnistream_inbound_spool_relay_stuck and the spool's
      // depth and age metrics) for the operator. It passes only when PostgreSQL answers too, so it can
      // never make an instance ready on its own while neither Kafka nor the spool can take events.
      {
        name: 'spool-relay',
        check: async () => {
          await pool.query('SELECT 1');
          return !relay.stuck;
        },
      },
    ],
    isShuttingDown: () => shuttingDown,
  });

  return {
    app,
    producer,
    publisher,
    relay,
    spool,
    tokenProvider,
    registry,
    shutdownSteps: [
      {
        name: 'refuse new webhooks',
        run: () => {
          shuttingDown = true;
        },
      },
      { name: 'finish in-flight requests', run: () => app.close() },
      { name: 'stop spool relay', run: () => relay.stop() },
      { name: 'flush Kafka producer', run: () => producer.disconnect() },
      { name: 'disconnect Kafka admin', run: () => (adminConnected ? admin.disconnect() : undefined) },
      { name: 'stop token polling', run: () => tokenProvider.stop() },
    ],
  };
}
