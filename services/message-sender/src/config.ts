import {
  cryptoBlock,
  graphClientBlock,
  httpHostBlock,
  instagramBlock,
  integrationsBlock,
  kafkaBlock,
  logBlock,
  messageSenderBlock,
  postgresBlock,
  shutdownBlock,
  topicsBlock,
  z,
} from '@omnistream/config';

export const senderConfigSchema = z.object({
  ...logBlock,
  ...httpHostBlock,
  ...postgresBlock,
  ...kafkaBlock,
  ...topicsBlock,
  ...messageSenderBlock,
  ...graphClientBlock,
  // The sender needs the Graph URL and, when set, the app secret for appsecret_proof; it does not
  // verify webhooks, so the verify token is not required here.
  META_APP_SECRET: z.string().min(1).optional(),
  META_API_URL: z
    .url({ protocol: /^https?$/ })
    .transform((u) => u.replace(/\/+$/, ''))
    .default('https://graph.facebook.com/v21.0'),
  META_ACCESS_TOKEN: z.string().min(1).optional(),
  META_PHONE_NUMBER_ID: z.string().regex(/^\d+$/, 'must be a numeric phone number id').optional(),
  ...instagramBlock,
  ...integrationsBlock,
  ...cryptoBlock,
  ...shutdownBlock,
});

export type SenderConfig = z.output<typeof senderConfigSchema>;
