// api-gateway start-up: its settings from the config, the gateway and retention (docs/services.md).
import { graphClientSettings, kafkaSecuritySettings, orExitOnConfigError } from '@omnistream/config';
import { retentionSettings, startRetention } from '@omnistream/retention';
import { httpLimitsFromConfig, runService } from '@omnistream/service-kit';
import { gatewayConfigSchema } from './config.ts';
import { facebookDialogUrlFor } from './features/oauth/index.ts';
import { startGateway } from './gateway.ts';

await runService({
  name: 'api-gateway',
  schema: gatewayConfigSchema,
  secrets: (config) => [
    config.META_APP_SECRET,
    config.INSTAGRAM_APP_SECRET,
    config.ADMIN_API_KEY,
    config.KAFKA_SASL_PASSWORD,
  ],
  async start({ config, logger, redactor, pool, onShutdown, isShuttingDown }) {
    const kafkaSecurity = orExitOnConfigError('api-gateway', () => kafkaSecuritySettings(config));
    const gateway = await startGateway({
      logger,
      redactor,
      pool,
      isShuttingDown,
      settings: {
        httpLimits: httpLimitsFromConfig(config),
        brokers: config.KAFKA_BROKERS,
        clientId: `${config.KAFKA_CLIENT_ID}-api-gateway`,
        kafkaSecurity,
        groupId: config.API_GATEWAY_GROUP_ID,
        topics: {
          inbound: config.KAFKA_TOPIC_INBOUND,
          outbound: config.KAFKA_TOPIC_OUTBOUND,
          dlq: config.KAFKA_TOPIC_OUTBOUND_DLQ,
        },
        graph: { ...graphClientSettings(config), instagramOAuthUrl: config.INSTAGRAM_OAUTH_URL },
        encryptionKeys: config.TOKEN_ENCRYPTION_KEYS,
        integrationsPollIntervalMs: config.INTEGRATIONS_POLL_INTERVAL_MS,
        authFailuresPerMinute: config.ADMIN_AUTH_FAILURES_PER_MINUTE,
        trustedProxies: config.TRUSTED_PROXIES,
        templateSyncIntervalMs: config.TEMPLATE_SYNC_INTERVAL_MS,
        idempotencyTtlHours: config.IDEMPOTENCY_TTL_HOURS,
        media: { maxBytes: config.MEDIA_MAX_BYTES, allowedHosts: config.MEDIA_ALLOWED_HOSTS },
        oauth: {
          publicUrl: config.API_GATEWAY_PUBLIC_URL,
          metaAppId: config.META_APP_ID,
          messengerLoginConfigId: config.MESSENGER_LOGIN_CONFIG_ID,
          instagramAppId: config.INSTAGRAM_APP_ID,
          facebookDialogUrl: config.FACEBOOK_OAUTH_DIALOG_URL ?? facebookDialogUrlFor(config.META_API_URL),
          instagramAuthorizeUrl: config.INSTAGRAM_AUTHORIZE_URL,
        },
        instagramTokenRefresh: {
          intervalMs: config.INSTAGRAM_TOKEN_REFRESH_INTERVAL_MS,
          refreshWithinDays: config.INSTAGRAM_TOKEN_REFRESH_WITHIN_DAYS,
        },
        bootstrapAdminKey: config.ADMIN_API_KEY,
        console: { sessionHours: config.CONSOLE_SESSION_HOURS, maxStreams: config.CONSOLE_MAX_STREAMS },
      },
    });
    // Consumers, timers and the producer: stopped after HTTP and retention, even if what follows fails.
    onShutdown(...gateway.shutdownSteps);
    // Retention (docs/services.md): the periodic purge of old rows.
    const retention = startRetention({
      pool,
      logger,
      registry: gateway.registry,
      settings: retentionSettings(config),
    });
    return {
      app: gateway.app,
      listen: { port: config.API_GATEWAY_PORT, host: config.HTTP_HOST },
      shutdownSteps: [
        { name: 'stop HTTP (finish in-flight requests)', run: () => gateway.app.close() },
        { name: 'stop retention purge', run: () => retention.stop() },
      ],
      onListening: (address) => logger.info({ address, docs: `${address}/docs` }, 'api-gateway running'),
    };
  },
});
