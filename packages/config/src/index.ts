export { z } from 'zod';
export {
  apiGatewayBlock,
  apiGatewayHttpBlock,
  cryptoBlock,
  devStackBlock,
  graphCallerBlock,
  graphClientBlock,
  httpHostBlock,
  httpLimitsBlock,
  instagramBlock,
  integrationsBlock,
  kafkaBlock,
  logBlock,
  messageSenderBlock,
  messengerBlock,
  metaBlock,
  oauthBlock,
  postgresBlock,
  postgresTimeoutsBlock,
  retentionBlock,
  shutdownBlock,
  topicsBlock,
  webhookIngestorBlock,
  webhookIngestorHttpBlock,
} from './blocks.ts';
export { ConfigError, type ConfigIssue } from './errors.ts';
export { graphClientSettings } from './graph-settings.ts';
export {
  type KafkaSaslMechanism,
  type KafkaSecuritySettings,
  kafkaSecurityRules,
  kafkaSecuritySettings,
} from './kafka-security.ts';
export { type Env, loadConfig, loadConfigOrExit, orExitOnConfigError, readEnv } from './load-config.ts';
