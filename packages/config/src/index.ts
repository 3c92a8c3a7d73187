export { z } from 'zod';
export {
  apiGatewayHttpBlock,
  cryptoBlock,
  httpHostBlock,
  instagramBlock,
  integrationsBlock,
  kafkaBlock,
  logBlock,
  messengerBlock,
  metaBlock,
  postgresBlock,
  webhookIngestorHttpBlock,
} from './blocks.ts';
export { ConfigError, type ConfigIssue } from './errors.ts';
export { type Env, loadConfig, readEnv } from './load-config.ts';
