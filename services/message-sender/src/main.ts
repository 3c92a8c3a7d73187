// message-sender start-up: its settings from the config, the sender, the ops server (docs/services.md).
import { graphClientSettings, kafkaSecuritySettings, orExitOnConfigError } from '@omnistream/config';
import { runService } from '@omnistream/service-kit';
import { buildApp } from './app.ts';
import { senderConfigSchema } from './config.ts';
import { startSender } from './sender.ts';

await runService({
  name: 'message-sender',
  schema: senderConfigSchema,
  secrets: (config) => [
    config.META_APP_SECRET,
    config.META_ACCESS_TOKEN,
    config.INSTAGRAM_APP_SECRET,
    config.KAFKA_SASL_PASSWORD,
  ],
  async start({ config, logger, redactor, pool, isShuttingDown }) {
    const kafkaSecurity = orExitOnConfigError('message-sender', () => kafkaSecuritySettings(config));
    const sender = await startSender({
      logger,
      redactor,
      pool,
      settings: {
        brokers: config.KAFKA_BROKERS,
        clientId: `${config.KAFKA_CLIENT_ID}-message-sender`,
        kafkaSecurity,
        groupId: config.SENDER_GROUP_ID,
        topics: {
          outbound: config.KAFKA_TOPIC_OUTBOUND,
          results: config.KAFKA_TOPIC_OUTBOUND_RESULTS,
          dlq: config.KAFKA_TOPIC_OUTBOUND_DLQ,
          inbound: config.KAFKA_TOPIC_INBOUND,
        },
        graph: graphClientSettings(config),
        send: {
          maxAttempts: config.SENDER_MAX_ATTEMPTS,
          minDelayMs: config.SENDER_RETRY_MIN_DELAY_MS,
          maxDelayMs: config.SENDER_RETRY_MAX_DELAY_MS,
          reauthWaitMs: config.SENDER_REAUTH_WAIT_MS,
          reauthPollMs: Math.min(1_000, config.INTEGRATIONS_POLL_INTERVAL_MS),
          inDoubt: config.SENDER_IN_DOUBT,
          claimPollMs: Math.min(1_000, Math.ceil(config.SENDER_CLAIM_LEASE_MS / 4)),
        },
        claimLeaseMs: config.SENDER_CLAIM_LEASE_MS,
        rateLimits: {
          whatsappPerNumberPerSecond: config.RATE_WHATSAPP_PER_NUMBER,
          whatsappPerRecipientPerSecond: 1000 / config.RATE_WHATSAPP_PAIR_INTERVAL_MS,
          whatsappPerRecipientBurst: config.RATE_WHATSAPP_PAIR_BURST,
          messengerPerPagePerSecond: config.RATE_MESSENGER_PER_PAGE,
          instagramPerAccountPerSecond: config.RATE_INSTAGRAM_PER_ACCOUNT,
        },
        maxConcurrentChats: config.MAX_CONCURRENT_CHATS,
        maxBuffered: config.SENDER_MAX_BUFFERED,
        integrationsPollIntervalMs: config.INTEGRATIONS_POLL_INTERVAL_MS,
        encryptionKeys: config.TOKEN_ENCRYPTION_KEYS,
        fallback: {
          whatsappPhoneNumberId: config.META_PHONE_NUMBER_ID,
          whatsappToken: config.META_ACCESS_TOKEN,
        },
      },
    });
    const ops = buildApp({ logger, registry: sender.registry, readiness: sender.readiness, isShuttingDown });
    return {
      app: ops,
      listen: { port: config.MESSAGE_SENDER_METRICS_PORT, host: config.HTTP_HOST },
      // The ops server closes last: /readyz answers "not ready" while the sends finish.
      shutdownSteps: [...sender.shutdownSteps, { name: 'close ops server', run: () => ops.close() }],
      onListening: (address) =>
        logger.info(
          { ops: address, topic: config.KAFKA_TOPIC_OUTBOUND, group: config.SENDER_GROUP_ID },
          'message-sender running',
        ),
    };
  },
});
