import {
  INSTAGRAM_TAG,
  MESSAGING_ATTACHMENT_TYPES,
  MessageTagSchema,
  type MessagingChannel,
  MessagingTypeSchema,
  QuickRepliesSchema,
  type SenderAction,
  SenderActionSchema,
  TEXT_LIMITS,
  TextMessageSchema,
  textOverLimit,
} from '@omnistream/events';
import { z } from 'zod';
import { BodyIdSchema, HttpUrlSchema, PathIdSchema, TokenSchema } from './input-primitives.ts';

/**
 * Messenger Send API and Instagram API with Instagram Login share one message shape
 * (`{recipient:{id}, messaging_type?, tag?, message:{text | attachment, quick_replies?} | sender_action,
 * reply_to?}`); their limits differ and are checked per channel. Types, limits, tags and quick replies
 * come from the events package's outbound message family (packages/events/src/outbound-message.ts,
 * the one place a message type is declared).
 */

export const MessagingTextSchema = TextMessageSchema.omit({ previewUrl: true }).extend({
  quickReplies: QuickRepliesSchema.optional(),
});

export const MessagingAttachmentSchema = z
  .strictObject({
    type: z.literal('attachment'),
    attachmentType: z.enum(MESSAGING_ATTACHMENT_TYPES),
    /** Public URL Meta fetches the file from. */
    url: HttpUrlSchema.optional(),
    /** Id of an attachment uploaded earlier with `is_reusable` (Attachment Upload API). */
    attachmentId: BodyIdSchema.optional(),
    /** Ask Meta for a reusable attachment id (URL sends only). */
    isReusable: z.boolean().optional(),
    quickReplies: QuickRepliesSchema.optional(),
  })
  .superRefine((a, ctx) => {
    if ((a.url === undefined) === (a.attachmentId === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'give either url or attachmentId' });
    }
    if (a.isReusable !== undefined && a.url === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['isReusable'],
        message: 'isReusable applies to url attachments',
      });
    }
  });

export const MessagingMessageSchema = z.discriminatedUnion('type', [
  MessagingTextSchema,
  MessagingAttachmentSchema,
]);
export type MessagingMessage = z.infer<typeof MessagingMessageSchema>;

export type { SenderAction };

const common = {
  token: TokenSchema,
  /** PSID (Messenger) or IGSID (Instagram). */
  recipientId: BodyIdSchema,
  message: MessagingMessageSchema.optional(),
  senderAction: SenderActionSchema.optional(),
  /** mid to quote (`reply_to.mid`, top level of the request). */
  replyTo: BodyIdSchema.optional(),
};

type Ctx = z.RefinementCtx;
type Common = {
  message?: MessagingMessage | undefined;
  senderAction?: SenderAction | undefined;
  replyTo?: string | undefined;
  tag?: string | undefined;
};

function checkCommon(input: Common, ctx: Ctx): void {
  if ((input.message === undefined) === (input.senderAction === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['message'], message: 'give either message or senderAction' });
  }
  if (input.senderAction !== undefined) {
    for (const field of ['replyTo', 'tag'] as const) {
      if (input[field] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [field], message: `${field} cannot go with a sender action` });
      }
    }
  }
}

/** The channel's text limit (TEXT_LIMITS) as an issue on `message.text`. */
function checkText(channel: MessagingChannel, input: Common, ctx: Ctx): void {
  if (input.message?.type !== 'text') return;
  const tooLong = textOverLimit(channel, input.message.text);
  if (tooLong !== undefined) ctx.addIssue({ code: 'custom', path: ['message', 'text'], message: tooLong });
}

export const SendMessengerInputSchema = z
  .strictObject({
    pageId: PathIdSchema,
    ...common,
    /** Required on every message since 2018 (Messenger Platform, messaging types). */
    messagingType: MessagingTypeSchema.optional(),
    tag: MessageTagSchema.optional(),
    /** `message.metadata`, echoed back in the message_echoes webhook: the sender's command id. */
    metadata: z.string().min(1).max(1000).optional(),
  })
  .superRefine((input, ctx) => {
    checkCommon(input, ctx);
    if (input.message !== undefined && input.messagingType === undefined) {
      ctx.addIssue({ code: 'custom', path: ['messagingType'], message: 'a message needs a messagingType' });
    }
    if (input.messagingType === 'MESSAGE_TAG' && input.tag === undefined) {
      ctx.addIssue({ code: 'custom', path: ['tag'], message: 'messagingType MESSAGE_TAG requires a tag' });
    }
    if (input.tag !== undefined && input.messagingType !== 'MESSAGE_TAG') {
      ctx.addIssue({
        code: 'custom',
        path: ['tag'],
        message: 'a tag is only sent with messagingType MESSAGE_TAG',
      });
    }
    if (input.metadata !== undefined && input.message === undefined) {
      ctx.addIssue({ code: 'custom', path: ['metadata'], message: 'metadata goes with a message' });
    }
    checkText('messenger', input, ctx);
  });

export type MessagingMessageInput = z.input<typeof MessagingMessageSchema>;

interface MessagingBase {
  token: string;
  recipientId: string;
}
interface MessageFields {
  message: MessagingMessageInput;
  replyTo?: string | undefined;
  senderAction?: undefined;
}
interface ActionFields {
  senderAction: SenderAction;
  message?: undefined;
  replyTo?: undefined;
  tag?: undefined;
}

export type SendMessengerMessageInput = MessagingBase &
  MessageFields & {
    pageId: string;
    messagingType: 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG';
    tag?: string | undefined;
    metadata?: string | undefined;
  };
export type SendMessengerActionInput = MessagingBase &
  ActionFields & { pageId: string; messagingType?: undefined };
export type SendMessengerInput = SendMessengerMessageInput | SendMessengerActionInput;

/** Instagram text limit: 1000 bytes of UTF-8, not characters (Instagram messaging API reference). */
export const INSTAGRAM_TEXT_MAX_BYTES = TEXT_LIMITS.instagram.max;

export const SendInstagramInputSchema = z
  .strictObject({
    igUserId: PathIdSchema,
    ...common,
    /** HUMAN_AGENT extends the reply window from 24 h to 7 days; the only tag Instagram takes. */
    tag: z.literal(INSTAGRAM_TAG).optional(),
  })
  .superRefine((input, ctx) => {
    checkCommon(input, ctx);
    checkText('instagram', input, ctx);
    const message = input.message;
    if (message?.quickReplies?.some((q) => q.contentType !== 'text')) {
      ctx.addIssue({
        code: 'custom',
        path: ['message', 'quickReplies'],
        message: 'Instagram takes text quick replies only',
      });
    }
  });

export type SendInstagramMessageInput = MessagingBase &
  MessageFields & { igUserId: string; tag?: typeof INSTAGRAM_TAG | undefined };
export type SendInstagramActionInput = MessagingBase & ActionFields & { igUserId: string };
export type SendInstagramInput = SendInstagramMessageInput | SendInstagramActionInput;
