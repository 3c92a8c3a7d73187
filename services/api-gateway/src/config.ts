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
    ...shutdownBlock,
  })
  .superRefine(kafkaSecurityRules);

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
