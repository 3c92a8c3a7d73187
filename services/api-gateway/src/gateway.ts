import type { Pool } from '@omnistream/db';
import { createGraphClient, type GraphClient } from '@omnistream/graph';
import {
  createIntegrationsRepository,
  createTokenCipher,
  createTokenProvider,
  type EncryptionKey,
  type IntegrationsRepository,
  type TokenProvider,
} from '@omnistream/integrations';
import { createKafka, createProducer, type Producer } from '@omnistream/kafka';
import type { Logger, Redactor } from '@omnistream/logger';
import { createOutboundMessagesRepository } from '@omnistream/outbound';
import { createMetricsRegistry, type ReadinessCheck, type ShutdownStep } from '@omnistream/service-kit';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { createAdminKeysRepository } from './admin-keys.repository.ts';
import { buildApp } from './app.ts';
import { createAuthFailureLimiter } from './auth-failure-limiter.ts';

export interface GatewaySettings {
  brokers: string[];
  clientId: string;
  groupId: string;
  topics: { inbound: string; outbound: string; dlq: string };
  graph: {
    graphUrl: string;
    instagramUrl: string;
    appSecret?: string | undefined;
    instagramAppSecret?: string | undefined;
    timeouts: { connectMs: number; headersMs: number; bodyMs: number };
    connections: number;
  };
  encryptionKeys: readonly EncryptionKey[];
  integrationsPollIntervalMs: number;
  authFailuresPerMinute: number;
  templateSyncIntervalMs: number;
  idempotencyTtlHours: number;
  /** ADMIN_API_KEY: stored (hashed) as the `bootstrap` key at start-up. */
  bootstrapAdminKey?: string | undefined;
}

export interface Gateway {
  app: FastifyInstance;
  registry: Registry;
  pool: Pool;
  producer: Producer;
  graph: GraphClient;
  integrations: IntegrationsRepository;
  tokenProvider: TokenProvider;
  readiness: ReadinessCheck[];
  /** In order, after the HTTP server stopped taking requests. */
  shutdownSteps: ShutdownStep[];
}

/**
 * Wires the gateway: repositories, the Graph client, the Kafka producer and consumers, the
 * periodic template sync, and the HTTP app (not listening).
 */
export async function startGateway(deps: {
  settings: GatewaySettings;
  logger: Logger;
  redactor?: Redactor;
  pool: Pool;
  isShuttingDown?: () => boolean;
}): Promise<Gateway> {
  const { settings, logger, pool } = deps;
  const redactorOption = deps.redactor ? { redactor: deps.redactor } : {};
  const registry = createMetricsRegistry('api-gateway');
  const cipher = createTokenCipher(settings.encryptionKeys);
  const integrations = createIntegrationsRepository({ pool, cipher });
  const adminKeys = createAdminKeysRepository({ pool });
  if (settings.bootstrapAdminKey) {
    deps.redactor?.addSecret(settings.bootstrapAdminKey);
    const { created } = await adminKeys.ensure({ name: 'bootstrap', key: settings.bootstrapAdminKey });
    if (created) logger.info('stored ADMIN_API_KEY as the admin key named "bootstrap"');
  }
  const tokenProvider = createTokenProvider({
    repository: integrations,
    logger,
    intervalMs: settings.integrationsPollIntervalMs,
    ...redactorOption,
  });
  await tokenProvider.start();
  const graph = createGraphClient({
    graphUrl: settings.graph.graphUrl,
    instagramUrl: settings.graph.instagramUrl,
    appSecret: settings.graph.appSecret,
    instagramAppSecret: settings.graph.instagramAppSecret,
    timeouts: settings.graph.timeouts,
    connections: settings.graph.connections,
    logger,
    ...redactorOption,
  });
  const kafka = createKafka({ brokers: settings.brokers, clientId: settings.clientId, logger });
  const producer = createProducer({ kafka, logger });
  await producer.connect();
  const outbound = createOutboundMessagesRepository({ pool });

  const readiness: ReadinessCheck[] = [
    { name: 'kafka', check: () => producer.healthy },
    { name: 'tokens', check: () => !tokenProvider.stale },
    {
      name: 'postgres',
      check: async () => {
        await pool.query('SELECT 1');
        return true;
      },
    },
  ];
  // Consumers and timers stop before the producer they may publish with.
  const backgroundSteps: ShutdownStep[] = [];

  // --- templates (sync timer, template_status consumer) ---
  // --- dead letters (DLQ mirror consumer) ---
  // --- messages (idempotency) ---
  // --- oauth (Instagram Login, Facebook Login for Business; token refresh job) ---
  // --- fbe (fbe_install / fbe_uninstall handler) and contacts (identity linking) ---

  const app = await buildApp({
    logger,
    registry,
    readiness,
    isShuttingDown: deps.isShuttingDown ?? (() => false),
    adminKeys,
    authLimiter: createAuthFailureLimiter({ failuresPerMinute: settings.authFailuresPerMinute }),
  });
  void outbound;
  void kafka;

  return {
    app,
    registry,
    pool,
    producer,
    graph,
    integrations,
    tokenProvider,
    readiness,
    shutdownSteps: [
      ...backgroundSteps,
      { name: 'flush Kafka producer', run: () => producer.disconnect() },
      { name: 'close Graph connections', run: () => graph.close() },
      { name: 'stop token polling', run: () => tokenProvider.stop() },
    ],
  };
}
