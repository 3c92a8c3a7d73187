// message-sender start-up: config, real dependencies, ops HTTP, graceful shutdown.
import {
  graphClientSettings,
  kafkaSecuritySettings,
  loadConfigOrExit,
  orExitOnConfigError,
} from '@omnistream/config';
import { openServicePool } from '@omnistream/db';
import { createLogger, createRedactor } from '@omnistream/logger';
import { installGracefulShutdown, registerErrorHandler, registerOpsRoutes } from '@omnistream/service-kit';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import { senderConfigSchema } from './config.ts';
import { startSender } from './sender.ts';

const config = loadConfigOrExit(senderConfigSchema, 'message-sender');
const kafkaSecurity = orExitOnConfigError('message-sender', () => kafkaSecuritySettings(config));
const redactor = createRedactor([
  config.META_APP_SECRET,
  config.META_ACCESS_TOKEN,
  config.INSTAGRAM_APP_SECRET,
  config.KAFKA_SASL_PASSWORD,
]);
const logger = createLogger({ name: 'message-sender', level: config.LOG_LEVEL, redactor });

const pool = await openServicePool({
  service: 'message-sender',
  connectionString: config.DATABASE_URL,
  max: config.DATABASE_POOL_MAX,
  connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
  queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS,
  logger,
});

// Signals are handled from here on: a SIGTERM during start-up waits for start-up, then stops
// everything in order (a default SIGTERM would kill sends in flight).
let shuttingDown = false;
const starting = startSender({
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
    fallback: { whatsappPhoneNumberId: config.META_PHONE_NUMBER_ID, whatsappToken: config.META_ACCESS_TOKEN },
  },
});

const ops = Fastify({
  loggerInstance: logger as FastifyBaseLogger,
  logController: new LogController({ disableRequestLogging: true }),
});
registerErrorHandler(ops);
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
    {
      name: 'stop the sender',
      run: async () => {
        const sender = await starting;
        for (const step of sender.shutdownSteps) {
          await step.run();
          logger.info({ step: step.name }, 'shutdown step done');
        }
      },
    },
    { name: 'close ops server', run: () => ops.close() },
    { name: 'close PostgreSQL pool', run: () => pool.end() },
  ],
});

const sender = await starting;
registerOpsRoutes(ops, {
  registry: sender.registry,
  checks: sender.readiness,
  isShuttingDown: () => shuttingDown,
});
const address = await ops.listen({ port: config.MESSAGE_SENDER_METRICS_PORT, host: config.HTTP_HOST });
logger.info(
  { ops: address, topic: config.KAFKA_TOPIC_OUTBOUND, group: config.SENDER_GROUP_ID },
  'message-sender running',
);
