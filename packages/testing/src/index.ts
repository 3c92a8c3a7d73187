import './provided-context.ts';

export { dockerAvailable } from './container-runtime.ts';
export {
  type KafkaBroker,
  type KafkaBrokerKind,
  type StartKafkaBrokerOptions,
  startKafkaBroker,
} from './kafka-broker.ts';
export { type ReadMessage, type ReadMessagesOptions, readMessages } from './kafka-read.ts';
export {
  type TestKafka,
  testKafka,
  uniqueGroupId,
  uniqueTopic,
  uniqueTopicNames,
} from './kafka-test-topics.ts';
export { claimPoolTopic, type TopicPool } from './kafka-topic-pool.ts';
export { databaseUrl, describeUrl, startTestPostgres, type TestPostgres } from './postgres.ts';
export { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';
export { createTestDatabase, type TestDatabase, useTestDatabase } from './test-database.ts';
