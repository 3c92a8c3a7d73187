// `pnpm topics:create` (and the create-topics job of docker-compose.yml): creates the gateway's four
// topics on KAFKA_BROKERS with their default partition counts, under the KAFKA_TOPIC_* names. Topics
// that exist are left as they are (never re-partitioned: that would move keys and break per-key
// order). The services never create topics themselves, so a misspelt topic name fails loudly.
import {
  kafkaBlock,
  kafkaSecurityRules,
  kafkaSecuritySettings,
  loadConfigOrExit,
  logBlock,
  orExitOnConfigError,
  topicsBlock,
  z,
} from '../packages/config/src/index.ts';
import {
  createKafka,
  ensureTopics,
  explainKafkaConnectError,
  topicSpecs,
} from '../packages/kafka/src/index.ts';
import { createLogger, createRedactor } from '../packages/logger/src/index.ts';

const config = loadConfigOrExit(
  z.object({ ...logBlock, ...kafkaBlock, ...topicsBlock }).superRefine(kafkaSecurityRules),
  'create-topics',
);
const kafkaSecurity = orExitOnConfigError('create-topics', () => kafkaSecuritySettings(config));
const logger = createLogger({
  name: 'create-topics',
  level: config.LOG_LEVEL,
  redactor: createRedactor([config.KAFKA_SASL_PASSWORD]),
});
const kafka = createKafka({
  brokers: config.KAFKA_BROKERS,
  clientId: `${config.KAFKA_CLIENT_ID}-create-topics`,
  logger,
  ...kafkaSecurity,
});
const specs = topicSpecs({
  inbound: config.KAFKA_TOPIC_INBOUND,
  outbound: config.KAFKA_TOPIC_OUTBOUND,
  outboundResults: config.KAFKA_TOPIC_OUTBOUND_RESULTS,
  outboundDlq: config.KAFKA_TOPIC_OUTBOUND_DLQ,
});

try {
  const { created, existing } = await ensureTopics({
    kafka,
    topics: specs,
    logger,
    maxMessageBytes: { [config.KAFKA_TOPIC_INBOUND]: config.KAFKA_INBOUND_MAX_MESSAGE_BYTES },
  });
  logger.info({ brokers: config.KAFKA_BROKERS, created, existing }, 'kafka topics ready');
} catch (err) {
  const explained = explainKafkaConnectError(err, { brokers: config.KAFKA_BROKERS, ...kafkaSecurity });
  logger.error({ err: explained, brokers: config.KAFKA_BROKERS }, 'could not create the kafka topics');
  process.exitCode = 1;
}
