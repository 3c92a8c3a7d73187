import { Buffer } from 'node:buffer';
import { z } from 'zod';
import { InteractiveSchema } from './interactive-message.ts';
import { exactlyOneSource, IdSchema, type MessagingChannel } from './primitives.ts';

/**
 * The one description of outbound messages. A new message type is added HERE ONLY: its schema in
 * OutboundMessageSchema and its channels in CHANNELS_BY_MESSAGE_TYPE (the compiler asks for the
 * entry). send-command.ts checks commands against these tables, and @omnistream/graph builds its
 * per-channel call inputs from these schemas and limits (docs/architecture.md, "Outbound messages");
 * only the mapping onto Meta's JSON is written per channel.
 *
 * The `message` of a send command. Objects are strict: a command comes from a downstream system, and a
 * misspelt field (`previewURL`) must fail validation rather than be dropped silently. Which types and
 * options each channel accepts is checked on the whole command (send-command.ts), where the channel is
 * known.
 */

export const TextMessageSchema = z.strictObject({
  type: z.literal('text'),
  text: z.string().min(1),
  /** WhatsApp only: render a link preview for the first URL. */
  previewUrl: z.boolean().optional(),
});

/** `document` and `sticker` are WhatsApp's; `file` is Instagram's and Messenger's generic attachment. */
export const OUTBOUND_MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker', 'file'] as const;
export type OutboundMediaType = (typeof OUTBOUND_MEDIA_TYPES)[number];

export const MediaMessageSchema = z
  .strictObject({
    type: z.literal('media'),
    mediaType: z.enum(OUTBOUND_MEDIA_TYPES),
    /** A WhatsApp media id, or a Messenger / Instagram reusable attachment id. */
    id: IdSchema.optional(),
    link: z.httpUrl().optional(),
    caption: z.string().min(1).optional(),
    filename: z.string().min(1).optional(),
  })
  .superRefine(exactlyOneSource);

/** Meta allows lowercase letters, digits and underscores in template names. */
export const TemplateNameSchema = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[a-z0-9_]+$/, 'template names hold lowercase letters, digits and underscores only');
/** Template language code as registered (`en`, `en_US`, `pt_BR`). */
export const LanguageCodeSchema = z
  .string()
  .regex(/^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,4})?$/, 'must be a language code such as en_US');
/**
 * Template components go to Graph verbatim (Meta's snake_case: `type`, `sub_type`, `index`,
 * `parameters[]`); only their skeleton is checked, Meta checks them against the approved template.
 */
export const TemplateComponentSchema = z.looseObject({
  type: z.string().min(1),
  parameters: z.array(z.looseObject({ type: z.string().min(1) })).optional(),
});

/** WhatsApp template. */
export const TemplateMessageSchema = z.strictObject({
  type: z.literal('template'),
  name: TemplateNameSchema,
  language: LanguageCodeSchema,
  components: z.array(TemplateComponentSchema).optional(),
});

export const InteractiveMessageSchema = z.strictObject({
  type: z.literal('interactive'),
  interactive: InteractiveSchema,
});

export const ReactionMessageSchema = z.strictObject({
  type: z.literal('reaction'),
  /** The wamid reacted to. */
  messageId: IdSchema,
  /** One emoji; an empty string removes the business's earlier reaction (WhatsApp's convention). */
  emoji: z.string().max(32),
});

export const MarkReadMessageSchema = z.strictObject({
  type: z.literal('mark_read'),
  messageId: IdSchema,
});

/** Messenger / Instagram sender actions. */
export const SenderActionSchema = z.enum(['typing_on', 'typing_off', 'mark_seen']);
export type SenderAction = z.infer<typeof SenderActionSchema>;

export const SenderActionMessageSchema = z.strictObject({
  type: z.literal('sender_action'),
  action: SenderActionSchema,
});

export const OutboundMessageSchema = z.discriminatedUnion('type', [
  TextMessageSchema,
  MediaMessageSchema,
  TemplateMessageSchema,
  InteractiveMessageSchema,
  ReactionMessageSchema,
  MarkReadMessageSchema,
  SenderActionMessageSchema,
]);
export type OutboundMessage = z.infer<typeof OutboundMessageSchema>;
export type OutboundMessageType = OutboundMessage['type'];

/**
 * What each channel's send API accepts. WhatsApp: Cloud API message types. Instagram / Messenger: text,
 * attachments and sender actions. Left out on purpose: Instagram's `react` sender action (named
 * reactions, not emoji) and Messenger templates, which this gateway does not model.
 */
export const CHANNELS_BY_MESSAGE_TYPE: Record<OutboundMessageType, readonly MessagingChannel[]> = {
  text: ['whatsapp', 'instagram', 'messenger'],
  media: ['whatsapp', 'instagram', 'messenger'],
  template: ['whatsapp'],
  interactive: ['whatsapp'],
  reaction: ['whatsapp'],
  mark_read: ['whatsapp'],
  sender_action: ['instagram', 'messenger'],
};
export const OUTBOUND_MESSAGE_TYPES = Object.keys(CHANNELS_BY_MESSAGE_TYPE) as OutboundMessageType[];

export function channelSupports(channel: MessagingChannel, type: OutboundMessageType): boolean {
  return CHANNELS_BY_MESSAGE_TYPE[type].includes(channel);
}

/** Only content messages can quote another message or offer quick replies. */
export const CONTENT_MESSAGE_TYPES: readonly OutboundMessageType[] = [
  'text',
  'media',
  'template',
  'interactive',
];

/** Messenger's and Instagram's attachment types (Send API, `attachment.type`). */
export const MESSAGING_ATTACHMENT_TYPES = ['image', 'audio', 'video', 'file'] as const;
export const WHATSAPP_MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;

export const MEDIA_TYPES_BY_CHANNEL: Record<MessagingChannel, readonly OutboundMediaType[]> = {
  whatsapp: WHATSAPP_MEDIA_TYPES,
  instagram: MESSAGING_ATTACHMENT_TYPES,
  messenger: MESSAGING_ATTACHMENT_TYPES,
};

/**
 * The options each WhatsApp media type takes (Messages reference, media object): WhatsApp refuses a
 * caption on audio and stickers; Messenger / Instagram attachments take neither option.
 */
export const WHATSAPP_MEDIA_OPTIONS: Record<
  (typeof WHATSAPP_MEDIA_TYPES)[number],
  readonly ('caption' | 'filename')[]
> = {
  image: ['caption'],
  video: ['caption'],
  document: ['caption', 'filename'],
  audio: [],
  sticker: [],
};

/**
 * Text limits per channel. WhatsApp and Messenger say "characters" without naming the unit; code
 * points count an emoji as one, as people do. Instagram's limit is in UTF-8 bytes: 250 four-byte emoji
 * already fill it (Instagram messaging API reference).
 */
export const TEXT_LIMITS = {
  whatsapp: { max: 4096, unit: 'characters' },
  messenger: { max: 2000, unit: 'characters' },
  instagram: { max: 1000, unit: 'bytes of UTF-8' },
} as const satisfies Record<MessagingChannel, { max: number; unit: 'characters' | 'bytes of UTF-8' }>;

const CHANNEL_NAMES: Record<MessagingChannel, string> = {
  whatsapp: 'WhatsApp',
  messenger: 'Messenger',
  instagram: 'Instagram',
};

/** The refusal for a text over the channel's limit, or undefined when it fits. */
export function textOverLimit(channel: MessagingChannel, text: string): string | undefined {
  const { max, unit } = TEXT_LIMITS[channel];
  const size = unit === 'characters' ? [...text].length : Buffer.byteLength(text, 'utf8');
  return size > max ? `${CHANNEL_NAMES[channel]} text is limited to ${max} ${unit}` : undefined;
}

/** WhatsApp only: `group` sends to a Groups API group (`to` = the group id). Default `individual`. */
export const RecipientTypeSchema = z.enum(['individual', 'group']);
/** Messenger / Instagram `messaging_type`. */
export const MessagingTypeSchema = z.enum(['RESPONSE', 'UPDATE', 'MESSAGE_TAG']);
/** Message tag (HUMAN_AGENT, ACCOUNT_UPDATE, …): left open because Meta retires and adds tags. */
export const MessageTagSchema = z
  .string()
  .regex(/^[A-Z_]+$/, 'must be a Meta message tag such as HUMAN_AGENT');
/** HUMAN_AGENT extends Instagram's reply window from 24 h to 7 days; the only tag Instagram takes. */
export const INSTAGRAM_TAG = 'HUMAN_AGENT';
