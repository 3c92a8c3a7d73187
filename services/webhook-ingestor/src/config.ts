import {
  cryptoBlock,
  httpHostBlock,
  instagramBlock,
  integrationsBlock,
  kafkaBlock,
  logBlock,
  metaBlock,
  postgresBlock,
  shutdownBlock,
  topicsBlock,
  webhookIngestorBlock,
  webhookIngestorHttpBlock,
  z,
} from '@omnistream/config';

export const ingestorConfigSchema = z.object({
  ...logBlock,
  ...httpHostBlock,
  ...webhookIngestorHttpBlock,
  ...webhookIngestorBlock,
  ...postgresBlock,
  ...kafkaBlock,
  ...topicsBlock,
  ...metaBlock,
  ...instagramBlock,
  ...integrationsBlock,
  ...cryptoBlock,
  ...shutdownBlock,
});

export type IngestorConfig = z.output<typeof ingestorConfigSchema>;
