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
import { createContactIdentitiesRepository } from './contacts/contact-identities.repository.ts';
import { createIdentityLinking } from './contacts/identity-linking.service.ts';
import { createDeadLettersRepository } from './dlq/dead-letters.repository.ts';
import { startDlqMirror } from './dlq/dlq-mirror.consumer.ts';
import { createDlqReplayer } from './dlq/dlq-replayer.ts';
import { createFbeService } from './fbe/fbe.service.ts';
import { createFbeEventHandlers } from './fbe/fbe-events.handler.ts';
import { createFbeInstallationsRepository } from './fbe/fbe-installations.repository.ts';
import { type InboundEventHandlers, startInboundEventsConsumer } from './inbound/inbound-events.consumer.ts';
import { createIdempotencyKeysRepository } from './messages/idempotency-keys.repository.ts';
import { createMessageService } from './messages/message-service.ts';
import { createInstagramTokenRefresher } from './oauth/instagram-token-refresher.ts';
import { createOauthOnboarding } from './oauth/oauth-onboarding.ts';
import type { OauthSettings } from './oauth/oauth-settings.ts';
import { startTemplates } from './templates/start-templates.ts';

/** How often expired Idempotency-Keys are deleted. */
const IDEMPOTENCY_PURGE_INTERVAL_MS = 15 * 60_000;

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
    /** Instagram Login's code exchange host (INSTAGRAM_OAUTH_URL). */
    instagramOAuthUrl?: string | undefined;
    timeouts: { connectMs: number; headersMs: number; bodyMs: number };
    connections: number;
  };
  encryptionKeys: readonly EncryptionKey[];
  integrationsPollIntervalMs: number;
  authFailuresPerMinute: number;
  templateSyncIntervalMs: number;
  idempotencyTtlHours: number;
  /** OAuth onboarding: app ids, redirect URI base, dialog URLs. */
  oauth: OauthSettings;
  /** Instagram Login token refresh job (INSTAGRAM_TOKEN_REFRESH_*). */
  instagramTokenRefresh: { intervalMs: number; refreshWithinDays: number };
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
    instagramOAuthUrl: settings.graph.instagramOAuthUrl,
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
  const templates = startTemplates({
    pool,
    graph,
    integrations,
    tokens: tokenProvider,
    logger,
    syncIntervalMs: settings.templateSyncIntervalMs,
  });
  // Every block may add handlers here; the consumer starts after the last block (below).
  const inboundHandlers: InboundEventHandlers = { template_status: templates.onTemplateStatus };
  // --- dead letters (DLQ mirror consumer) ---
  const deadLetters = createDeadLettersRepository({ pool });
  const dlqMirror = await startDlqMirror({
    kafka,
    logger,
    groupId: `${settings.groupId}.dlq-mirror`,
    topic: settings.topics.dlq,
    repository: deadLetters,
  });
  // Unready only when kafkajs gave up on it for good: a restart brings the mirror back.
  readiness.push({ name: 'dlq-mirror', check: () => !dlqMirror.crashed });
  backgroundSteps.push({ name: 'stop DLQ mirror', run: () => dlqMirror.stop() });
  const dlqRouteDeps = {
    deadLetters,
    dlqReplayer: createDlqReplayer({
      deadLetters,
      outbound,
      producer,
      topic: settings.topics.outbound,
      logger,
    }),
  };
  // --- messages (idempotency) ---
  const idempotencyKeys = createIdempotencyKeysRepository({ pool });
  const messagesRouteDeps = {
    messages: createMessageService({
      integrations,
      outbound,
      idempotency: idempotencyKeys,
      producer,
      topic: settings.topics.outbound,
      idempotencyTtlHours: settings.idempotencyTtlHours,
      logger,
    }),
  };
  // Expired keys are replaced when reused; this keeps the never-reused ones from piling up.
  const purgeTimer = setInterval(() => {
    idempotencyKeys
      .purgeExpired()
      .then((deleted) => {
        if (deleted > 0) logger.info({ deleted }, 'expired idempotency keys deleted');
      })
      .catch((err) => logger.warn({ err }, 'could not delete expired idempotency keys'));
  }, IDEMPOTENCY_PURGE_INTERVAL_MS);
  purgeTimer.unref();
  backgroundSteps.push({ name: 'stop idempotency key purge', run: () => clearInterval(purgeTimer) });
  // --- oauth (Instagram Login, Facebook Login for Business; token refresh job) ---
  const reloadTokens = () => tokenProvider.refresh();
  const oauthRouteDeps = {
    oauth: createOauthOnboarding({
      settings: settings.oauth,
      pool,
      cipher,
      graph,
      logger,
      secrets: {
        metaAppSecret: settings.graph.appSecret !== undefined,
        // The Graph client signs Instagram calls with META_APP_SECRET when no Instagram secret is set.
        instagramAppSecret: (settings.graph.instagramAppSecret ?? settings.graph.appSecret) !== undefined,
      },
      onConnected: reloadTokens,
    }),
  };
  const instagramTokenRefresher = createInstagramTokenRefresher({
    repository: integrations,
    graph,
    pool,
    logger,
    intervalMs: settings.instagramTokenRefresh.intervalMs,
    refreshWithinMs: settings.instagramTokenRefresh.refreshWithinDays * 86_400_000,
    onRotated: reloadTokens,
  });
  instagramTokenRefresher.start();
  backgroundSteps.push({ name: 'stop Instagram token refresh', run: () => instagramTokenRefresher.stop() });
  // --- fbe (fbe_install / fbe_uninstall handler) and contacts (identity linking) ---
  const fbeInstallations = createFbeInstallationsRepository({ pool, cipher });
  const fbeHandlers = createFbeEventHandlers({
    installations: fbeInstallations,
    cipher,
    logger,
    redactor: deps.redactor,
  });
  inboundHandlers.fbe_install = fbeHandlers.fbe_install;
  inboundHandlers.fbe_uninstall = fbeHandlers.fbe_uninstall;
  const fbeRouteDeps = {
    fbe: createFbeService({
      installations: fbeInstallations,
      graph,
      // META_APP_ID is the app_id of the system-user token exchange too (seed 001).
      appId: settings.oauth.metaAppId,
      appSecret: settings.graph.appSecret,
      logger,
    }),
  };
  const contactsRouteDeps = {
    identityLinking: createIdentityLinking({
      integrations,
      graph,
      identities: createContactIdentitiesRepository({ pool }),
      logger,
    }),
  };

  // --- inbound events consumer: started once every block above has added its handlers ---
  let inboundCrashed = false;
  const inbound = await startInboundEventsConsumer({
    kafka,
    logger,
    groupId: `${settings.groupId}.inbound`,
    topic: settings.topics.inbound,
    handlers: inboundHandlers,
    onCrash: () => {
      inboundCrashed = true;
    },
  });
  // Unready only when kafkajs gave up on it for good: a rebalance must not take the admin API down.
  readiness.push({ name: 'inbound-events', check: () => !inboundCrashed });
  // The consumer first (its handlers may start syncs), then the sync timer.
  backgroundSteps.push(
    { name: 'stop inbound-events consumer', run: () => inbound.stop() },
    { name: 'stop template sync', run: () => templates.stop() },
  );

  const app = await buildApp({
    logger,
    registry,
    readiness,
    isShuttingDown: deps.isShuttingDown ?? (() => false),
    adminKeys,
    authLimiter: createAuthFailureLimiter({ failuresPerMinute: settings.authFailuresPerMinute }),
    templates: templates.service,
    integrations,
    graph,
    redactor: deps.redactor,
    tokenProvider,
    ...dlqRouteDeps,
    ...messagesRouteDeps,
    ...oauthRouteDeps,
    ...fbeRouteDeps,
    ...contactsRouteDeps,
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
