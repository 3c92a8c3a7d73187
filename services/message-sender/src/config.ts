import {
  cryptoBlock,
  graphCallerBlock,
  graphClientBlock,
  httpHostBlock,
  instagramBlock,
  integrationsBlock,
  kafkaBlock,
  kafkaSecurityRules,
  logBlock,
  messageSenderBlock,
  postgresBlock,
  postgresTimeoutsBlock,
  shutdownBlock,
  topicsBlock,
  z,
} from '@omnistream/config';

export const senderConfigSchema = z
  .object({
    ...logBlock,
    ...httpHostBlock,
    ...postgresBlock,
    ...postgresTimeoutsBlock,
    ...kafkaBlock,
    ...topicsBlock,
    ...messageSenderBlock,
    ...graphClientBlock,
    ...graphCallerBlock,
    META_ACCESS_TOKEN: z.string().min(1).optional(),
    META_PHONE_NUMBER_ID: z.string().regex(/^\d+$/, 'must be a numeric phone number id').optional(),
    ...instagramBlock,
    ...integrationsBlock,
    ...cryptoBlock,
    ...shutdownBlock,
  })
  .superRefine(kafkaSecurityRules);

export type SenderConfig = z.output<typeof senderConfigSchema>;
