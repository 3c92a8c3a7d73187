import type { InboundAttachment, MessagePayload } from '@omnistream/events';
import {
  arrayOf,
  httpUrlOf,
  idOf,
  type JsonObject,
  nonEmptyStringOf,
  recordOf,
  stringOf,
} from './meta-values.ts';

/**
 * The content of an Instagram / Messenger `message` (inbound or echo) in the event's message shape:
 * `text`, `attachment` (attachments, with the text when both come, as in a Messenger link share with a
 * `fallback` attachment), or `unsupported` when Meta flags it (`is_unsupported`) or sends neither.
 */
export function pageMessageContent(message: JsonObject, messageId: string): MessagePayload {
  const replyTo = recordOf(message.reply_to);
  const replyToMid = idOf(replyTo?.mid);
  const quickReplyPayload = stringOf(recordOf(message.quick_reply)?.payload);
  const common = {
    messageId,
    replyTo: replyToMid === undefined ? undefined : { messageId: replyToMid },
    // A reply to the business's story has `reply_to.story{id,url}` and no mid (test/fixtures/SOURCES.md, chatwoot).
    replyToStory: recordOf(replyTo?.story),
    quickReply: quickReplyPayload === undefined ? undefined : { payload: quickReplyPayload },
    // Ad / ig.me / m.me referral on the first message of a thread (MetaDocs-MSG messaging_referrals).
    referral: recordOf(message.referral),
  };
  const text = stringOf(message.text);

  if (message.is_unsupported === true) return { ...common, type: 'unsupported', text };
  const attachments = attachmentsOf(message.attachments);
  if (attachments.length > 0) return { ...common, type: 'attachment', attachments, text };
  if (text !== undefined) return { ...common, type: 'text', text };
  return { ...common, type: 'unsupported' };
}

/**
 * `attachments[]`, types kept open (image, video, audio, file, share, story_mention, ig_reel, ig_post,
 * sticker, template, fallback, location, …: Meta adds them without notice). The URL usually sits in
 * `payload.url`, but sometimes at the attachment level (airyhq/airy #1818; Messenger template echoes),
 * and `payload` can be null on `fallback` (MetaDocs-MSG).
 */
function attachmentsOf(value: unknown): InboundAttachment[] {
  const attachments: InboundAttachment[] = [];
  for (const item of arrayOf(value)) {
    const attachment = recordOf(item);
    if (attachment === undefined) continue;
    const payload = recordOf(attachment.payload);
    attachments.push({
      type: nonEmptyStringOf(attachment.type) ?? 'unknown',
      url: httpUrlOf(payload?.url) ?? httpUrlOf(attachment.url),
      // Template echoes carry `title: ""` at the attachment level (MetaDocs-MSG message_echoes ex. 2).
      title: nonEmptyStringOf(attachment.title) ?? stringOf(payload?.title),
      payload,
    });
  }
  return attachments;
}
