// webhook-ingestor start-up: config, real dependencies, listen, graceful shutdown.
import { kafkaSecuritySettings, loadConfigOrExit, orExitOnConfigError } from '@omnistream/config';
import { openServicePool } from '@omnistream/db';
import { createLogger, createRedactor } from '@omnistream/logger';
import { httpLimitsFromConfig, installGracefulShutdown } from '@omnistream/service-kit';
import { ingestorConfigSchema } from './config.ts';
import { createIngestor } from './ingestor.ts';

const config = loadConfigOrExit(ingestorConfigSchema, 'webhook-ingestor');
const kafkaSecurity = orExitOnConfigError('webhook-ingestor', () => kafkaSecuritySettings(config));
const redactor = createRedactor([
  config.META_APP_SECRET,
  config.META_VERIFY_TOKEN,
  config.INSTAGRAM_APP_SECRET,
  config.META_ACCESS_TOKEN,
  config.KAFKA_SASL_PASSWORD,
]);
const logger = createLogger({ name: 'webhook-ingestor', level: config.LOG_LEVEL, redactor });

const pool = await openServicePool({
  service: 'webhook-ingestor',
  connectionString: config.DATABASE_URL,
  max: config.DATABASE_POOL_MAX,
  connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
  queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS,
  logger,
});

// Signals are handled from here on (see the shutdown steps below).
const starting = createIngestor({
  logger,
  redactor,
  pool,
  settings: {
    appSecret: config.META_APP_SECRET,
    instagramAppSecret: config.INSTAGRAM_APP_SECRET,
    verifyToken: config.META_VERIFY_TOKEN,
    bodyLimitBytes: config.WEBHOOK_BODY_LIMIT_BYTES,
    httpLimits: httpLimitsFromConfig(config),
    brokers: config.KAFKA_BROKERS,
    clientId: `${config.KAFKA_CLIENT_ID}-webhook-ingestor`,
    kafkaSecurity,
    inboundTopic: config.KAFKA_TOPIC_INBOUND,
    publishTimeoutMs: config.KAFKA_PUBLISH_TIMEOUT_MS,
    relayIntervalMs: config.SPOOL_RELAY_INTERVAL_MS,
    maxEventBytes: config.INBOUND_EVENT_MAX_BYTES,
    spoolStuckAfterMs: config.SPOOL_STUCK_AFTER_MS,
    integrationsPollIntervalMs: config.INTEGRATIONS_POLL_INTERVAL_MS,
    encryptionKeys: config.TOKEN_ENCRYPTION_KEYS,
    fallback: { whatsappPhoneNumberId: config.META_PHONE_NUMBER_ID, whatsappToken: config.META_ACCESS_TOKEN },
  },
});

installGracefulShutdown({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  steps: [
    {
      name: 'stop the ingestor',
      run: async () => {
        const ingestor = await starting;
        for (const step of ingestor.shutdownSteps) {
          await step.run();
          logger.info({ step: step.name }, 'shutdown step done');
        }
      },
    },
    { name: 'close PostgreSQL pool', run: () => pool.end() },
  ],
});

const ingestor = await starting;
const address = await ingestor.app.listen({ port: config.WEBHOOK_INGESTOR_PORT, host: config.HTTP_HOST });
logger.info(
  { address, brokers: config.KAFKA_BROKERS, topic: config.KAFKA_TOPIC_INBOUND },
  'webhook-ingestor listening',
);
