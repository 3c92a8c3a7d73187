import { Buffer } from 'node:buffer';
import { z } from 'zod';
import {
  type OutboundMediaType,
  OutboundMessageSchema,
  type OutboundMessageType,
} from './outbound-message.ts';
import {
  IdSchema,
  IsoDateTimeSchema,
  type MessagingChannel,
  MessagingChannelSchema,
  SchemaVersionSchema,
} from './primitives.ts';

/** Messenger quick replies (Instagram takes the `text` kind); at most 13 per message. */
export const QuickReplySchema = z.discriminatedUnion('contentType', [
  z.strictObject({
    contentType: z.literal('text'),
    title: z.string().min(1).max(20),
    payload: z.string().min(1).max(1000),
    imageUrl: z.httpUrl().optional(),
  }),
  z.strictObject({ contentType: z.literal('user_phone_number') }),
  z.strictObject({ contentType: z.literal('user_email') }),
]);
export type QuickReply = z.infer<typeof QuickReplySchema>;

const SendCommandObjectSchema = z.strictObject({
  schemaVersion: SchemaVersionSchema,
  /** Idempotency key chosen by the producer: a uuid or any printable ASCII string up to 128 chars. */
  commandId: z
    .string()
    .regex(/^[\x21-\x7e]{1,128}$/, 'must be 1-128 printable ASCII characters without spaces'),
  integrationId: IdSchema,
  channel: MessagingChannelSchema,
  /**
   * WhatsApp: a phone number (`wa_id`), a business-scoped user id (BSUID, for customers known only by
   * username: `contact.id` of their events), or a group id with `recipientType: "group"`.
   * Messenger: PSID. Instagram: IGSID.
   */
  to: IdSchema,
  /** WhatsApp only: `group` sends to a Groups API group (`to` = the group id). Default `individual`. */
  recipientType: z.enum(['individual', 'group']).optional(),
  message: OutboundMessageSchema,
  /** Meta message id to quote (WhatsApp `context.message_id`, Messenger / Instagram `reply_to.mid`). */
  replyTo: IdSchema.optional(),
  createdAt: IsoDateTimeSchema,
  /** Messenger / Instagram `messaging_type`; the sender uses RESPONSE when absent. */
  messagingType: z.enum(['RESPONSE', 'UPDATE', 'MESSAGE_TAG']).optional(),
  /** Message tag (HUMAN_AGENT, …); left open because Meta retires and adds tags. */
  tag: z
    .string()
    .regex(/^[A-Z_]+$/, 'must be a Meta message tag such as HUMAN_AGENT')
    .optional(),
  quickReplies: z.array(QuickReplySchema).min(1).max(13).optional(),
});
type SendCommandObject = z.infer<typeof SendCommandObjectSchema>;

/**
 * What each channel's send API accepts. WhatsApp: Cloud API message types. Instagram / Messenger: text,
 * attachments and sender actions. Left out on purpose: Instagram's `react` sender action (named
 * reactions, not emoji) and Messenger templates, which this gateway does not model.
 */
const MESSAGE_TYPES_BY_CHANNEL: Record<MessagingChannel, readonly OutboundMessageType[]> = {
  whatsapp: ['text', 'media', 'template', 'interactive', 'reaction', 'mark_read'],
  instagram: ['text', 'media', 'sender_action'],
  messenger: ['text', 'media', 'sender_action'],
};

const MEDIA_TYPES_BY_CHANNEL: Record<MessagingChannel, readonly OutboundMediaType[]> = {
  whatsapp: ['image', 'audio', 'video', 'document', 'sticker'],
  instagram: ['image', 'audio', 'video', 'file'],
  messenger: ['image', 'audio', 'video', 'file'],
};

/** WhatsApp refuses a caption on audio and stickers; Messenger / Instagram attachments have none. */
const WHATSAPP_CAPTIONED: readonly OutboundMediaType[] = ['image', 'video', 'document'];

/** Only content messages can quote another message or offer quick replies. */
const CONTENT_TYPES: readonly OutboundMessageType[] = ['text', 'media', 'template', 'interactive'];

type Ctx = z.RefinementCtx<SendCommandObject>;
const issue = (ctx: Ctx, path: PropertyKey[], message: string) =>
  ctx.addIssue({ code: 'custom', path, message });

function checkText(cmd: SendCommandObject, ctx: Ctx): void {
  if (cmd.message.type !== 'text') return;
  const { text, previewUrl } = cmd.message;
  switch (cmd.channel) {
    case 'whatsapp':
      // Meta says "characters" without naming the unit; code points count an emoji as one, as people do.
      if ([...text].length > 4096)
        issue(ctx, ['message', 'text'], 'WhatsApp text is limited to 4096 characters');
      break;
    case 'messenger':
      if ([...text].length > 2000)
        issue(ctx, ['message', 'text'], 'Messenger text is limited to 2000 characters');
      break;
    case 'instagram':
      // Instagram's limit is in UTF-8 bytes, not characters: 250 four-byte emoji already fill it.
      if (Buffer.byteLength(text, 'utf8') > 1000) {
        issue(ctx, ['message', 'text'], 'Instagram text is limited to 1000 bytes of UTF-8');
      }
      break;
  }
  if (previewUrl !== undefined && cmd.channel !== 'whatsapp') {
    issue(ctx, ['message', 'previewUrl'], 'previewUrl is a WhatsApp option');
  }
}

function checkMedia(cmd: SendCommandObject, ctx: Ctx): void {
  if (cmd.message.type !== 'media') return;
  const { mediaType, caption, filename } = cmd.message;
  if (!MEDIA_TYPES_BY_CHANNEL[cmd.channel].includes(mediaType)) {
    issue(ctx, ['message', 'mediaType'], `${cmd.channel} does not send ${mediaType} media`);
    return;
  }
  if (caption !== undefined && !(cmd.channel === 'whatsapp' && WHATSAPP_CAPTIONED.includes(mediaType))) {
    issue(ctx, ['message', 'caption'], `${cmd.channel} ${mediaType} media takes no caption`);
  }
  if (filename !== undefined && !(cmd.channel === 'whatsapp' && mediaType === 'document')) {
    issue(ctx, ['message', 'filename'], 'filename applies to WhatsApp documents only');
  }
}

function checkMessengerFields(cmd: SendCommandObject, ctx: Ctx): void {
  if (cmd.channel === 'whatsapp') {
    for (const field of ['messagingType', 'tag', 'quickReplies'] as const) {
      if (cmd[field] !== undefined) issue(ctx, [field], `${field} is not a WhatsApp option`);
    }
    return;
  }
  if (cmd.recipientType !== undefined) {
    issue(ctx, ['recipientType'], 'recipientType is a WhatsApp option');
  }
  if (cmd.messagingType === 'MESSAGE_TAG' && cmd.tag === undefined) {
    issue(ctx, ['tag'], 'messagingType MESSAGE_TAG requires a tag');
  }
  if (cmd.tag !== undefined && cmd.messagingType !== 'MESSAGE_TAG') {
    issue(ctx, ['messagingType'], 'a tag is only sent with messagingType MESSAGE_TAG');
  }
  if (cmd.channel === 'instagram' && cmd.tag !== undefined && cmd.tag !== 'HUMAN_AGENT') {
    issue(ctx, ['tag'], 'Instagram accepts only the HUMAN_AGENT tag');
  }
  if (cmd.quickReplies !== undefined && !CONTENT_TYPES.includes(cmd.message.type)) {
    issue(ctx, ['quickReplies'], `quick replies cannot go with a ${cmd.message.type} message`);
  }
}

export const SendCommandSchema = SendCommandObjectSchema.superRefine((cmd, ctx) => {
  if (!MESSAGE_TYPES_BY_CHANNEL[cmd.channel].includes(cmd.message.type)) {
    issue(ctx, ['message', 'type'], `${cmd.channel} does not support ${cmd.message.type} messages`);
    return;
  }
  if (cmd.replyTo !== undefined && !CONTENT_TYPES.includes(cmd.message.type)) {
    issue(ctx, ['replyTo'], `a ${cmd.message.type} message cannot quote another message`);
  }
  checkText(cmd, ctx);
  checkMedia(cmd, ctx);
  checkMessengerFields(cmd, ctx);
});
export type SendCommand = z.infer<typeof SendCommandSchema>;

export function parseSendCommand(input: unknown): z.ZodSafeParseResult<SendCommand> {
  return SendCommandSchema.safeParse(input);
}
