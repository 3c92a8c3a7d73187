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
  .superRefine(kafkaSecurityRules)
  .superRefine((config, ctx) => {
    // An event between the two limits would be offered to Kafka only to be refused (and quarantined).
    if (config.INBOUND_EVENT_MAX_BYTES >= config.KAFKA_INBOUND_MAX_MESSAGE_BYTES) {
      ctx.addIssue({
        code: 'custom',
        path: ['INBOUND_EVENT_MAX_BYTES'],
        message: `must be below KAFKA_INBOUND_MAX_MESSAGE_BYTES (${config.KAFKA_INBOUND_MAX_MESSAGE_BYTES})`,
      });
    }
  });

export type IngestorConfig = z.output<typeof ingestorConfigSchema>;
