// webhook-ingestor start-up: its settings from the config and the ingestor (docs/services.md).
import { kafkaSecuritySettings, orExitOnConfigError } from '@omnistream/config';
import { httpLimitsFromConfig, runService } from '@omnistream/service-kit';
import { ingestorConfigSchema } from './config.ts';
import { createIngestor } from './ingestor.ts';

await runService({
  name: 'webhook-ingestor',
  schema: ingestorConfigSchema,
  secrets: (config) => [
    config.META_APP_SECRET,
    config.META_VERIFY_TOKEN,
    config.INSTAGRAM_APP_SECRET,
    config.META_ACCESS_TOKEN,
    config.KAFKA_SASL_PASSWORD,
  ],
  async start({ config, logger, redactor, pool }) {
    const kafkaSecurity = orExitOnConfigError('webhook-ingestor', () => kafkaSecuritySettings(config));
    const ingestor = await createIngestor({
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
        fallback: {
          whatsappPhoneNumberId: config.META_PHONE_NUMBER_ID,
          whatsappToken: config.META_ACCESS_TOKEN,
        },
      },
    });
    return {
      app: ingestor.app,
      listen: { port: config.WEBHOOK_INGESTOR_PORT, host: config.HTTP_HOST },
      // Refuse new webhooks, finish in-flight ones, drain the relay, flush, close.
      shutdownSteps: ingestor.shutdownSteps,
      onListening: (address) =>
        logger.info(
          { address, brokers: config.KAFKA_BROKERS, topic: config.KAFKA_TOPIC_INBOUND },
          'webhook-ingestor listening',
        ),
    };
  },
});
