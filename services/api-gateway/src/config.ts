import {
  apiGatewayBlock,
  apiGatewayHttpBlock,
  cryptoBlock,
  graphCallerBlock,
  graphClientBlock,
  httpHostBlock,
  httpLimitsBlock,
  instagramBlock,
  integrationsBlock,
  kafkaBlock,
  kafkaSecurityRules,
  logBlock,
  messengerBlock,
  oauthBlock,
  postgresBlock,
  postgresTimeoutsBlock,
  retentionBlock,
  shutdownBlock,
  topicsBlock,
  z,
} from '@omnistream/config';

export const gatewayConfigSchema = z
  .object({
    ...logBlock,
    ...httpHostBlock,
    ...httpLimitsBlock,
    ...apiGatewayHttpBlock,
    ...apiGatewayBlock,
    ...postgresBlock,
    ...postgresTimeoutsBlock,
    ...kafkaBlock,
    ...topicsBlock,
    ...graphClientBlock,
    ...graphCallerBlock,
    ...instagramBlock,
    ...messengerBlock,
    // Instagram Login and Facebook Login for Business onboarding, and the Instagram token refresh job.
    ...oauthBlock,
    ...integrationsBlock,
    ...cryptoBlock,
    // The periodic purge of old outbound messages, dead letters and quarantined webhooks.
    ...retentionBlock,
    ...shutdownBlock,
  })
  .superRefine(kafkaSecurityRules);

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
