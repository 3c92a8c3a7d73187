export {
  DLQ_REASONS,
  type DlqError,
  DlqErrorSchema,
  type DlqReason,
  type DlqRecord,
  DlqRecordSchema,
  parseDlqRecord,
} from './dlq-record.ts';
export { type EventIdParts, eventId } from './event-id.ts';
export {
  AccountSchema,
  type Contact,
  ContactSchema,
  INBOUND_EVENT_KINDS,
  type InboundEvent,
  type InboundEventKind,
  InboundEventKindSchema,
  type InboundEventOf,
  InboundEventSchema,
  parseInboundEvent,
} from './inbound-event.ts';
export {
  type DeliveryPayload,
  DeliveryPayloadSchema,
  type FbeInstalledFeature,
  FbeInstalledFeatureSchema,
  type FbePayload,
  FbePayloadSchema,
  MESSAGE_STATUSES,
  type MessageStatus,
  type PostbackPayload,
  PostbackPayloadSchema,
  type ReactionPayload,
  ReactionPayloadSchema,
  type SeenPayload,
  SeenPayloadSchema,
  type StatusPayload,
  StatusPayloadSchema,
  type TemplateStatusPayload,
  TemplateStatusPayloadSchema,
  type UnsupportedPayload,
  UnsupportedPayloadSchema,
} from './inbound-payloads.ts';
export { type Interactive, InteractiveSchema } from './interactive-message.ts';
export { commandKey, inboundKey } from './keys.ts';
export {
  type EchoPayload,
  EchoPayloadSchema,
  INBOUND_MESSAGE_TYPES,
  type InboundAttachment,
  InboundAttachmentSchema,
  type InboundMedia,
  InboundMediaSchema,
  type InboundMessageType,
  type InteractiveReply,
  InteractiveReplySchema,
  type MessagePayload,
  MessagePayloadSchema,
} from './message-payload.ts';
export {
  OUTBOUND_MEDIA_TYPES,
  OUTBOUND_MESSAGE_TYPES,
  type OutboundMediaType,
  type OutboundMessage,
  OutboundMessageSchema,
  type OutboundMessageType,
} from './outbound-message.ts';
export {
  EVENT_CHANNELS,
  type EventChannel,
  EventChannelSchema,
  MESSAGING_CHANNELS,
  type MessagingChannel,
  MessagingChannelSchema,
  type MetaError,
  MetaErrorSchema,
  SCHEMA_VERSION,
} from './primitives.ts';
export {
  parseSendCommand,
  type QuickReply,
  QuickReplySchema,
  type SendCommand,
  SendCommandSchema,
} from './send-command.ts';
export {
  parseSendResult,
  type SendError,
  SendErrorSchema,
  type SendResult,
  SendResultSchema,
} from './send-result.ts';
export {
  type CallPayload,
  CallPayloadSchema,
  CONTACT_CHANGES,
  type ContactChangePayload,
  ContactChangePayloadSchema,
  type MarketingPreferencePayload,
  MarketingPreferencePayloadSchema,
  type WhatsAppIds,
  WhatsAppIdsSchema,
} from './whatsapp-payloads.ts';
