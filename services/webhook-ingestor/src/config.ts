import {
  cryptoBlock,
  httpHostBlock,
  httpLimitsBlock,
  instagramBlock,
  integrationsBlock,
  kafkaBlock,
  kafkaSecurityRules,
  logBlock,
  metaBlock,
  postgresBlock,
  postgresTimeoutsBlock,
  shutdownBlock,
  topicsBlock,
  webhookIngestorBlock,
  webhookIngestorHttpBlock,
  z,
} from '@omnistream/config';

export const ingestorConfigSchema = z
  .object({
    ...logBlock,
    ...httpHostBlock,
    ...httpLimitsBlock,
    ...webhookIngestorHttpBlock,
    ...webhookIngestorBlock,
    ...postgresBlock,
    ...postgresTimeoutsBlock,
    ...kafkaBlock,
    ...topicsBlock,
    ...metaBlock,
    ...instagramBlock,
    ...integrationsBlock,
    ...cryptoBlock,
    ...shutdownBlock,
  })
  .superRefine(kafkaSecurityRules);

export type IngestorConfig = z.output<typeof ingestorConfigSchema>;
