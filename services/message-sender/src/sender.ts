import type { KafkaSecuritySettings } from '@omnistream/config';
import type { Pool } from '@omnistream/db';
import { createGraphClient, type GraphClient } from '@omnistream/graph';
import {
  createIntegrationsRepository,
  createTokenCipher,
  createTokenProvider,
  type EncryptionKey,
  type TokenProvider,
} from '@omnistream/integrations';
import { connectProducer, type Producer, runConsumer } from '@omnistream/kafka';
import type { Logger, Redactor } from '@omnistream/logger';
import {
  createMarketingPreferencesRepository,
  createOutboundMessagesRepository,
  createSenderInstancesRepository,
} from '@omnistream/outbound';
import { createMetricsRegistry, type ShutdownStep } from '@omnistream/service-kit';
import type { Registry } from 'prom-client';
import { startCommandConsumer } from './command-consumer.ts';
import { type RateLimitSettings, RateLimits } from './rate-limits.ts';
import { createSendProcessor, type SendSettings } from './send-processor.ts';
import { startSenderLease } from './sender-lease.ts';
import { createSenderMetrics } from './sender-metrics.ts';
import { createStatusHandler, noDeadLetters, statusRetryPolicy } from './status-tracker.ts';

export interface SenderSettings {
  brokers: string[];
  clientId: string;
  /** KAFKA_SSL* and KAFKA_SASL_* as kafkaSecuritySettings built them; unset: plaintext, no SASL. */
  kafkaSecurity?: KafkaSecuritySettings | undefined;
  groupId: string;
  topics: { outbound: string; results: string; dlq: string; inbound: string };
  graph: {
    graphUrl: string;
    instagramUrl: string;
    appSecret?: string | undefined;
    instagramAppSecret?: string | undefined;
    timeouts: { connectMs: number; headersMs: number; bodyMs: number };
    connections: number;
  };
  send: SendSettings;
  /** How long this process counts as live after its last lease renewal (SENDER_CLAIM_LEASE_MS). */
  claimLeaseMs: number;
  rateLimits: RateLimitSettings;
  maxConcurrentChats: number;
  maxBuffered: number;
  integrationsPollIntervalMs: number;
  encryptionKeys: readonly EncryptionKey[];
  fallback?: { whatsappPhoneNumberId?: string | undefined; whatsappToken?: string | undefined };
}

export interface Sender {
  registry: Registry;
  producer: Producer;
  graph: GraphClient;
  tokenProvider: TokenProvider;
  readiness: { name: string; check(): boolean }[];
  shutdownSteps: ShutdownStep[];
}

/** Wires and starts the sender: token polling, the command consumer, the status tracker. */
export async function startSender(deps: {
  settings: SenderSettings;
  logger: Logger;
  redactor?: Redactor;
  pool: Pool;
}): Promise<Sender> {
  const { settings, logger, pool } = deps;
  const cipher = createTokenCipher(settings.encryptionKeys);
  const integrations = createIntegrationsRepository({ pool, cipher });
  const tokenProvider = createTokenProvider({
    repository: integrations,
    logger,
    intervalMs: settings.integrationsPollIntervalMs,
    fallback: settings.fallback,
    ...(deps.redactor ? { redactor: deps.redactor } : {}),
  });
  await tokenProvider.start();

  const registry = createMetricsRegistry('message-sender');
  const metrics = createSenderMetrics(registry);
  const graph = createGraphClient({
    graphUrl: settings.graph.graphUrl,
    instagramUrl: settings.graph.instagramUrl,
    appSecret: settings.graph.appSecret,
    instagramAppSecret: settings.graph.instagramAppSecret,
    timeouts: settings.graph.timeouts,
    connections: settings.graph.connections,
    logger,
    ...(deps.redactor ? { redactor: deps.redactor } : {}),
  });
  const { kafka, producer } = await connectProducer({
    brokers: settings.brokers,
    clientId: settings.clientId,
    logger,
    ...settings.kafkaSecurity,
  });
  const outbound = createOutboundMessagesRepository({ pool });
  const preferences = createMarketingPreferencesRepository(pool);
  // Taken before the first claim, so every row this process claims names a live sender.
  const lease = await startSenderLease({
    instances: createSenderInstancesRepository(pool),
    leaseMs: settings.claimLeaseMs,
    logger,
  });

  const processor = createSendProcessor({
    graph,
    tokens: tokenProvider,
    integrations,
    outbound,
    preferences,
    producer,
    topics: { results: settings.topics.results, dlq: settings.topics.dlq },
    limits: new RateLimits(settings.rateLimits),
    logger,
    metrics,
    settings: settings.send,
    instanceId: lease.instanceId,
  });
  const commands = await startCommandConsumer({
    kafka,
    groupId: settings.groupId,
    topic: settings.topics.outbound,
    processor,
    logger,
    metrics,
    maxConcurrentChats: settings.maxConcurrentChats,
    maxBuffered: settings.maxBuffered,
  });
  const statuses = await runConsumer({
    kafka,
    logger,
    groupId: `${settings.groupId}.status-tracker`,
    topics: [settings.topics.inbound],
    handler: createStatusHandler({
      repository: outbound,
      preferences,
      logger,
      outcomes: metrics.statusUpdates,
    }),
    policy: statusRetryPolicy,
    deadLetter: noDeadLetters,
  });

  return {
    registry,
    producer,
    graph,
    tokenProvider,
    // Every consumer's real state: a crashed or restarting one makes the sender unready (the Docker
    // healthcheck reads /readyz), whether kafkajs or the supervisor restarts it.
    readiness: [
      { name: 'kafka', check: () => producer.healthy },
      { name: 'commands', check: () => commands.healthy },
      { name: 'status-tracker', check: () => statuses.running },
      { name: 'tokens', check: () => !tokenProvider.stale },
      { name: 'lease', check: () => lease.healthy },
    ],
    shutdownSteps: [
      { name: 'finish in-flight sends and commit', run: () => commands.stop() },
      { name: 'stop status tracker', run: () => statuses.stop() },
      // After the last send: from here on no row names this process as a live sender.
      { name: 'release sender lease', run: () => lease.stop() },
      { name: 'flush Kafka producer', run: () => producer.disconnect() },
      { name: 'close Graph connections', run: () => graph.close() },
      { name: 'stop token polling', run: () => tokenProvider.stop() },
    ],
  };
}
