// api-gateway start-up: config, real dependencies, HTTP, graceful shutdown.
import {
  graphClientSettings,
  kafkaSecuritySettings,
  loadConfigOrExit,
  orExitOnConfigError,
} from '@omnistream/config';
import { openServicePool } from '@omnistream/db';
import { createLogger, createRedactor } from '@omnistream/logger';
import { retentionSettings, startRetention } from '@omnistream/retention';
import { httpLimitsFromConfig, installGracefulShutdown } from '@omnistream/service-kit';
import { gatewayConfigSchema } from './config.ts';
import { startGateway } from './gateway.ts';
import { facebookDialogUrlFor } from './oauth/oauth-settings.ts';

const config = loadConfigOrExit(gatewayConfigSchema, 'api-gateway');
const kafkaSecurity = orExitOnConfigError('api-gateway', () => kafkaSecuritySettings(config));
const redactor = createRedactor([
  config.META_APP_SECRET,
  config.INSTAGRAM_APP_SECRET,
  config.ADMIN_API_KEY,
  config.KAFKA_SASL_PASSWORD,
]);
const logger = createLogger({ name: 'api-gateway', level: config.LOG_LEVEL, redactor });

const pool = await openServicePool({
  service: 'api-gateway',
  connectionString: config.DATABASE_URL,
  max: config.DATABASE_POOL_MAX,
  connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
  queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS,
  logger,
});

let shuttingDown = false;
const starting = startGateway({
  logger,
  redactor,
  pool,
  isShuttingDown: () => shuttingDown,
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
  },
});

installGracefulShutdown({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  steps: [
    {
      name: 'mark not ready',
      run: () => {
        shuttingDown = true;
      },
    },
    { name: 'stop HTTP (finish in-flight requests)', run: async () => (await starting).app.close() },
    {
      name: 'stop consumers, timers and producer',
      run: async () => {
        const gateway = await starting;
        for (const step of gateway.shutdownSteps) {
          await step.run();
          logger.info({ step: step.name }, 'shutdown step done');
        }
      },
    },
    { name: 'close PostgreSQL pool', run: () => pool.end() },
  ],
});

const gateway = await starting;
// Retention (docs/services.md): the periodic purge of old rows, stopped with the consumers and timers.
const retention = startRetention({
  pool,
  logger,
  registry: gateway.registry,
  settings: retentionSettings(config),
});
gateway.shutdownSteps.unshift({ name: 'stop retention purge', run: () => retention.stop() });
const address = await gateway.app.listen({ port: config.API_GATEWAY_PORT, host: config.HTTP_HOST });
logger.info({ address, docs: `${address}/docs` }, 'api-gateway running');
