import { z } from 'zod';
import {
  CONTENT_MESSAGE_TYPES,
  channelSupports,
  INSTAGRAM_TAG,
  MEDIA_TYPES_BY_CHANNEL,
  MessageTagSchema,
  MessagingTypeSchema,
  OutboundMessageSchema,
  RecipientTypeSchema,
  textOverLimit,
  WHATSAPP_MEDIA_OPTIONS,
} from './outbound-message.ts';
import { IdSchema, IsoDateTimeSchema, MessagingChannelSchema, SchemaVersionSchema } from './primitives.ts';

/**
 * A send command: a message described in outbound-message.ts (the one place message types and
 * per-channel rules are declared) plus the options around it.
 */

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
export const QuickRepliesSchema = z.array(QuickReplySchema).min(1).max(13);

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
  recipientType: RecipientTypeSchema.optional(),
  message: OutboundMessageSchema,
  /** Meta message id to quote (WhatsApp `context.message_id`, Messenger / Instagram `reply_to.mid`). */
  replyTo: IdSchema.optional(),
  createdAt: IsoDateTimeSchema,
  /** Messenger / Instagram `messaging_type`; the sender uses RESPONSE when absent. */
  messagingType: MessagingTypeSchema.optional(),
  /** Message tag (HUMAN_AGENT, …); left open because Meta retires and adds tags. */
  tag: MessageTagSchema.optional(),
  quickReplies: QuickRepliesSchema.optional(),
});
type SendCommandObject = z.infer<typeof SendCommandObjectSchema>;

type Ctx = z.RefinementCtx<SendCommandObject>;
const issue = (ctx: Ctx, path: PropertyKey[], message: string) =>
  ctx.addIssue({ code: 'custom', path, message });

function checkText(cmd: SendCommandObject, ctx: Ctx): void {
  if (cmd.message.type !== 'text') return;
  const { text, previewUrl } = cmd.message;
  const tooLong = textOverLimit(cmd.channel, text);
  if (tooLong !== undefined) issue(ctx, ['message', 'text'], tooLong);
  if (previewUrl !== undefined && cmd.channel !== 'whatsapp') {
    issue(ctx, ['message', 'previewUrl'], 'previewUrl is a WhatsApp option');
  }
}

/** The options a media type takes on a channel: WHATSAPP_MEDIA_OPTIONS on WhatsApp, none elsewhere. */
function mediaTakes(cmd: SendCommandObject, mediaType: string, option: 'caption' | 'filename'): boolean {
  if (cmd.channel !== 'whatsapp') return false;
  return WHATSAPP_MEDIA_OPTIONS[mediaType as keyof typeof WHATSAPP_MEDIA_OPTIONS].includes(option);
}

function checkMedia(cmd: SendCommandObject, ctx: Ctx): void {
  if (cmd.message.type !== 'media') return;
  const { mediaType, caption, filename } = cmd.message;
  if (!MEDIA_TYPES_BY_CHANNEL[cmd.channel].includes(mediaType)) {
    issue(ctx, ['message', 'mediaType'], `${cmd.channel} does not send ${mediaType} media`);
    return;
  }
  if (caption !== undefined && !mediaTakes(cmd, mediaType, 'caption')) {
    issue(ctx, ['message', 'caption'], `${cmd.channel} ${mediaType} media takes no caption`);
  }
  if (filename !== undefined && !mediaTakes(cmd, mediaType, 'filename')) {
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
  if (cmd.channel === 'instagram' && cmd.tag !== undefined && cmd.tag !== INSTAGRAM_TAG) {
    issue(ctx, ['tag'], 'Instagram accepts only the HUMAN_AGENT tag');
  }
  if (cmd.quickReplies !== undefined && !CONTENT_MESSAGE_TYPES.includes(cmd.message.type)) {
    issue(ctx, ['quickReplies'], `quick replies cannot go with a ${cmd.message.type} message`);
  }
}

export const SendCommandSchema = SendCommandObjectSchema.superRefine((cmd, ctx) => {
  if (!channelSupports(cmd.channel, cmd.message.type)) {
    issue(ctx, ['message', 'type'], `${cmd.channel} does not support ${cmd.message.type} messages`);
    return;
  }
  if (cmd.replyTo !== undefined && !CONTENT_MESSAGE_TYPES.includes(cmd.message.type)) {
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
