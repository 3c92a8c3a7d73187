import type { KafkaSecuritySettings } from '@omnistream/config';
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
import { connectProducer, type Producer } from '@omnistream/kafka';
import type { Logger, Redactor } from '@omnistream/logger';
import { createOutboundMessagesRepository } from '@omnistream/outbound';
import {
  createMetricsRegistry,
  type HttpLimits,
  type ReadinessCheck,
  type ShutdownStep,
} from '@omnistream/service-kit';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { buildApp } from './app.ts';
import { startAdminKeys } from './features/admin-keys/index.ts';
import {
  type ConsoleSettings,
  createConsoleSessionsRepository,
  startConsole,
} from './features/console/index.ts';
import { startContacts } from './features/contacts/index.ts';
import { startConversations } from './features/conversations/index.ts';
import { startDlq } from './features/dlq/index.ts';
import { startFbe } from './features/fbe/index.ts';
import { startInbound } from './features/inbound/index.ts';
import { startIntegrations } from './features/integrations/index.ts';
import { startMedia } from './features/media/index.ts';
import { startMessages } from './features/messages/index.ts';
import type { OauthSettings } from './features/oauth/index.ts';
import { startOauth } from './features/oauth/index.ts';
import { startQuarantine } from './features/quarantine/index.ts';
import { startTemplates } from './features/templates/index.ts';
import { createAuthFailureLimiter } from './shared/auth-failure-limiter.ts';
import { startTogether } from './shared/background-consumers.ts';
import { createGatewayMetrics } from './shared/gateway-metrics.ts';

export interface GatewaySettings {
  brokers: string[];
  clientId: string;
  /** KAFKA_SSL* and KAFKA_SASL_* as kafkaSecuritySettings built them; unset: plaintext, no SASL. */
  kafkaSecurity?: KafkaSecuritySettings | undefined;
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
  /** Timeouts and the connection cap of the HTTP server (HTTP_* limits). */
  httpLimits?: HttpLimits | undefined;
  authFailuresPerMinute: number;
  /** TRUSTED_PROXIES: reverse proxies whose X-Forwarded-For names the client. */
  trustedProxies?: readonly string[] | undefined;
  templateSyncIntervalMs: number;
  idempotencyTtlHours: number;
  /** MEDIA_MAX_BYTES and MEDIA_ALLOWED_HOSTS. */
  media: { maxBytes: number; allowedHosts: readonly string[] };
  /** OAuth onboarding: app ids, redirect URI base, dialog URLs. */
  oauth: OauthSettings;
  /** Instagram Login token refresh job (INSTAGRAM_TOKEN_REFRESH_*). */
  instagramTokenRefresh: { intervalMs: number; refreshWithinDays: number };
  /** ADMIN_API_KEY: stored (hashed) as the `bootstrap` key at start-up. */
  bootstrapAdminKey?: string | undefined;
  /** CONSOLE_*; default: the built console, 12-hour sessions, 20 live update streams. */
  console?: Partial<ConsoleSettings> | undefined;
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
 * background jobs, and the HTTP app (not listening). When a part fails to start, the parts already
 * started are stopped before the error is thrown.
 */
export async function startGateway(deps: {
  settings: GatewaySettings;
  logger: Logger;
  redactor?: Redactor;
  pool: Pool;
  isShuttingDown?: () => boolean;
}): Promise<Gateway> {
  const { settings, logger, pool, redactor } = deps;
  const redactorOption = redactor ? { redactor } : {};
  // Shared parts first: the token cipher, the integrations repository, metrics, admin keys.
  const cipher = createTokenCipher(settings.encryptionKeys);
  const integrations = createIntegrationsRepository({ pool, cipher });
  const adminKeys = await startAdminKeys({
    pool,
    logger,
    redactor,
    bootstrapKey: settings.bootstrapAdminKey,
  });

  // Each part adds its step as it starts; shutdown runs them last-started first: the consumers
  // before the template sync their handlers may start, every consumer and job before the producer
  // and Graph client they use, the token poll last.
  const shutdownSteps: ShutdownStep[] = [];
  const registry = createMetricsRegistry('api-gateway');
  const metrics = createGatewayMetrics({ registry, pool, logger });
  const auth = {
    keys: adminKeys.repository,
    limiter: createAuthFailureLimiter({ failuresPerMinute: settings.authFailuresPerMinute }),
    onFailure: metrics.authFailure,
    sessions: createConsoleSessionsRepository({ pool }),
  };
  const onShutdown = (name: string, run: ShutdownStep['run']) => shutdownSteps.unshift({ name, run });

  const tokenProvider = createTokenProvider({
    repository: integrations,
    logger,
    intervalMs: settings.integrationsPollIntervalMs,
    ...redactorOption,
  });
  await tokenProvider.start();
  onShutdown('stop token polling', () => tokenProvider.stop());
  try {
    const graph = createGraphClient({ ...settings.graph, logger, ...redactorOption });
    onShutdown('close Graph connections', () => graph.close());
    const { kafka, producer } = await connectProducer({
      brokers: settings.brokers,
      clientId: settings.clientId,
      logger,
      ...settings.kafkaSecurity,
    });
    onShutdown('flush Kafka producer', () => producer.disconnect());
    const outbound = createOutboundMessagesRepository({ pool });
    const reloadTokens = () => tokenProvider.refresh();

    // One start call per feature (docs/architecture.md).
    const integrationsFeature = startIntegrations({ integrations, graph, redactor, tokenProvider });
    const templates = startTemplates({
      pool,
      graph,
      integrations,
      tokens: tokenProvider,
      logger,
      metrics,
      syncIntervalMs: settings.templateSyncIntervalMs,
    });
    onShutdown('stop template sync', () => templates.stop());
    const messages = startMessages({
      pool,
      integrations,
      outbound,
      producer,
      topic: settings.topics.outbound,
      idempotencyTtlHours: settings.idempotencyTtlHours,
      logger,
    });
    onShutdown('stop idempotency key purge', () => messages.stop());
    const oauth = startOauth({
      settings: settings.oauth,
      refresh: settings.instagramTokenRefresh,
      secrets: {
        metaAppSecret: settings.graph.appSecret !== undefined,
        // The Graph client signs Instagram calls with META_APP_SECRET when no Instagram secret is set.
        instagramAppSecret: (settings.graph.instagramAppSecret ?? settings.graph.appSecret) !== undefined,
      },
      pool,
      cipher,
      integrations,
      graph,
      logger,
      metrics,
      reloadTokens,
      auth,
    });
    onShutdown('stop Instagram token refresh', () => oauth.stop());
    const fbe = startFbe({
      pool,
      cipher,
      graph,
      appId: settings.oauth.metaAppId,
      appSecret: settings.graph.appSecret,
      logger,
      redactor,
    });
    const contacts = startContacts({ pool, integrations, graph, logger });
    const media = startMedia({
      graph,
      integrations,
      tokens: tokenProvider,
      logger,
      metrics,
      ...settings.media,
    });
    const quarantine = startQuarantine({ pool });
    const conversations = startConversations({ pool, integrations, logger });
    const ui = startConsole({ settings: settings.console, auth, registry, conversations });
    const dlq = startDlq({
      pool,
      kafka,
      groupId: `${settings.groupId}.dlq-mirror`,
      dlqTopic: settings.topics.dlq,
      outboundTopic: settings.topics.outbound,
      outbound,
      producer,
      logger,
      metrics,
    });
    const [dlqMirror, inbound] = await startTogether(
      dlq.mirror,
      startInbound({
        kafka,
        logger,
        groupId: `${settings.groupId}.inbound`,
        topic: settings.topics.inbound,
        handlers: { template_status: templates.onTemplateStatus, ...fbe.handlers, ...ui.handlers },
      }),
    );
    onShutdown('stop DLQ mirror', () => dlqMirror.stop());
    onShutdown('stop inbound-events consumer', () => inbound.stop());

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
      // Unready while a consumer is crashed or restarting (not during a rebalance).
      { name: 'dlq-mirror', check: () => dlqMirror.running },
      { name: 'inbound-events', check: () => inbound.running },
    ];
    const app = await buildApp({
      logger,
      registry,
      readiness,
      isShuttingDown: deps.isShuttingDown ?? (() => false),
      httpLimits: settings.httpLimits,
      trustedProxies: settings.trustedProxies,
      auth,
      respondToFailure: oauth.respondToFailure,
      routes: {
        adminKeys: adminKeys.routes,
        integrations: integrationsFeature.routes,
        messages: messages.routes,
        templates: templates.routes,
        dlq: dlq.routes,
        fbe: fbe.routes,
        contacts: contacts.routes,
        quarantine: quarantine.routes,
        conversations: conversations.routes,
        media: media.routes,
        liveUpdates: ui.adminRoutes,
        oauth: oauth.routes,
        console: ui.routes,
      },
    });
    return { app, registry, pool, producer, graph, integrations, tokenProvider, readiness, shutdownSteps };
  } catch (err) {
    await runEach(shutdownSteps, logger);
    throw err;
  }
}

/** Every step, even after one failed: a clean-up after a failed start must not stop halfway. */
async function runEach(steps: readonly ShutdownStep[], logger: Logger): Promise<void> {
  for (const step of steps) {
    try {
      await step.run();
    } catch (err) {
      logger.warn({ err, step: step.name }, 'clean-up after a failed start failed');
    }
  }
}
