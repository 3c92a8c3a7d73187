// The test harness pieces that work outside vitest (benchmarks, the dev stack): nothing here
// imports vitest, so plain Node scripts can start the same brokers and databases the tests use.
export { dockerAvailable } from './container-runtime.ts';
export {
  type KafkaBroker,
  type KafkaBrokerKind,
  type StartKafkaBrokerOptions,
  startKafkaBroker,
} from './kafka-broker.ts';
export {
  type KafkaJarsBroker,
  type KafkaJarsSaslSsl,
  kafkaJarsStatus,
  kafkaJarsVersion,
  startKafkaFromJars,
} from './kafka-jars.ts';
export { freePorts, type MokapiBroker, startMokapi } from './kafka-mokapi.ts';
export { topicRecordCount } from './kafka-offsets.ts';
export { databaseUrl, describeUrl, startTestPostgres, type TestPostgres } from './postgres.ts';
export { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';
export { until } from './until.ts';
