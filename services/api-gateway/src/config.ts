import {
  apiGatewayBlock,
  apiGatewayHttpBlock,
  cryptoBlock,
  graphClientBlock,
  httpHostBlock,
  instagramBlock,
  integrationsBlock,
  kafkaBlock,
  logBlock,
  messengerBlock,
  oauthBlock,
  postgresBlock,
  shutdownBlock,
  topicsBlock,
  z,
} from '@omnistream/config';

export const gatewayConfigSchema = z.object({
  ...logBlock,
  ...httpHostBlock,
  ...apiGatewayHttpBlock,
  ...apiGatewayBlock,
  ...postgresBlock,
  ...kafkaBlock,
  ...topicsBlock,
  ...graphClientBlock,
  // The gateway calls the Graph API (token checks, templates) with appsecret_proof when the secret
  // is set; it does not verify webhooks, so the verify token is not required here.
  META_APP_SECRET: z.string().min(1).optional(),
  META_API_URL: z
    .url({ protocol: /^https?$/ })
    .transform((u) => u.replace(/\/+$/, ''))
    .default('https://graph.facebook.com/v21.0'),
  ...instagramBlock,
  ...messengerBlock,
  // Instagram Login and Facebook Login for Business onboarding, and the Instagram token refresh job.
  ...oauthBlock,
  ...integrationsBlock,
  ...cryptoBlock,
  ...shutdownBlock,
});

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
