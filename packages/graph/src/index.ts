export { appsecretProof } from './appsecret-proof.ts';
export { type CodeRule, classify, type GraphErrorCategory, ruleForCode } from './error-codes.ts';
export {
  GraphError,
  type GraphErrorInit,
  GraphNetworkError,
  GraphTimeoutError,
  GraphValidationError,
  type TimeoutPhase,
  type ValidationIssue,
} from './errors.ts';
export type {
  FbeInput,
  FbeInstall,
  FbeInstalledFeature,
  GetSystemUserTokenInput,
  UpdateFbeConfigInput,
} from './fbe.ts';
export { createGraphClient, type GraphClient, type GraphClientOptions } from './graph-client.ts';
export type { AppScopedId, IdsForAppsInput, IdsForPagesInput, PageScopedId } from './id-matching.ts';
export type { GetMediaUrlInput, MediaInfo } from './media.ts';
export {
  INSTAGRAM_ATTACHMENT_MAX_BYTES,
  MESSENGER_ATTACHMENT_MAX_BYTES,
  WHATSAPP_MEDIA_LIMITS,
  type WhatsappMediaCategory,
  type WhatsappMediaCategoryLimit,
  type WhatsappMediaLimit,
  whatsappMediaLimit,
} from './media-limits.ts';
export {
  hostMatches,
  type OpenAttachmentInput,
  type OpenedMedia,
  type OpenMediaInput,
} from './media-open.ts';
export type { UploadMessengerAttachmentInput, UploadWhatsappMediaInput } from './media-upload.ts';
export type { MessagingSendResult, SenderActionResult, WhatsAppSendResult } from './messages.ts';
export {
  INSTAGRAM_TEXT_MAX_BYTES,
  type MessagingMessageInput,
  type SenderAction,
  type SendInstagramActionInput,
  type SendInstagramInput,
  type SendInstagramMessageInput,
  type SendMessengerActionInput,
  type SendMessengerInput,
  type SendMessengerMessageInput,
} from './messaging-message.ts';
export type {
  AccessToken,
  ExchangeFacebookCodeInput,
  ExchangeInstagramCodeInput,
  ExchangeLongLivedFacebookTokenInput,
  InstagramShortLivedToken,
  InstagramTokenInput,
} from './oauth.ts';
export type {
  FacebookPage,
  ListPagesInput,
  SubscribeInstagramAppInput,
  SubscribePageAppInput,
  SubscribeWabaAppInput,
} from './pages.ts';
export { parseBusinessUseCaseWait, parseRetryAfter } from './retry-after.ts';
export type { CommandSendResult, SendTarget } from './send-command.ts';
export type { CreatedTemplate, CreateTemplateInput, ListTemplatesInput, Template } from './templates.ts';
export type { CheckTokenInput, TokenCheck } from './token-check.ts';
export type {
  MarkWhatsAppReadInput,
  SendWhatsAppInput,
  WhatsAppContact,
  WhatsAppMessage,
} from './whatsapp-message.ts';
