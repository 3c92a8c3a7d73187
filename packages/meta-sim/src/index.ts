export type {
  Accounts,
  AccountsSnapshot,
  Channel,
  InstagramAccount,
  InstagramAccountInput,
  Page,
  PageInput,
  RecipientState,
  TokenInput,
  TokenRecord,
  TokenType,
  WhatsAppNumber,
  WhatsAppNumberInput,
} from './account-types.ts';
export { appSecretProof } from './auth.ts';
export {
  type Business,
  type FbeInstall,
  type FbeInstallInput,
  ID_MATCHING_PAGE_SIZE,
  type IdLink,
  type IdMatchingRequest,
} from './business.ts';
export {
  CDN_URL_TTL_MS,
  type CdnAttachmentInput,
  type CdnAttachments,
} from './cdn.ts';
export { createSimClock, type SimClock } from './clock.ts';
export { type MetaSimConfig, metaSimConfigSchema } from './config.ts';
export { type Seed, type SeedInput, seedSchema } from './control-schemas.ts';
export type { CustomerWindow } from './customer-window.ts';
export type { CallContext, FaultAction, FaultMatch, FaultRule, FaultRuleInput, Faults } from './faults.ts';
export { type GraphErrorBody, graphErrorBody } from './graph-error.ts';
export type { InboundMessageInput, InboundMessagingInput } from './inbound-webhooks.ts';
export {
  defaultMarkerOf,
  type Ledger,
  type LedgerEntry,
  type LedgerFilter,
  type LedgerOptions,
} from './ledger.ts';
export { defaultLimitSettings, type LimitSettings, type Limits } from './limits.ts';
export {
  MEDIA_URL_TTL_MS,
  type MediaInput,
  type MediaItem,
  type MediaStore,
  type MediaUpload,
  syntheticMediaSha256,
  syntheticMediaStream,
} from './media.ts';
export { SIM_MESSENGER_ATTACHMENT_MAX_BYTES, SIM_WHATSAPP_MEDIA_MAX_BYTES } from './media-upload.routes.ts';
export { metaJsonStringify } from './meta-json.ts';
export { createMetaSim, type MetaSim, type MetaSimOptions } from './meta-sim.ts';
export type { OAuthCode, OAuthCodeInput, OAuthCodes, OAuthFlow } from './oauth.ts';
export type { SimApp, SimSettings } from './sim-context.ts';
export type {
  DeliveryStatus,
  StatusEventInput,
  StatusWebhookSettings,
  StatusWebhooks,
  WebhookStats,
} from './status-webhooks.ts';
export type { Template, TemplateInput, Templates } from './templates.ts';
