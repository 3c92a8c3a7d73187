import type { QuickReply } from '@omnistream/events';
import type { MessagingMessage, SenderAction } from './messaging-message.ts';

/**
 * The exact JSON of `POST /{page-id}/messages` (Messenger Send API reference) and
 * `POST /{ig-user-id}/messages` (Instagram API with Instagram Login, "Send a message").
 */

type Json = Record<string, unknown>;

function quickReplyBody(q: QuickReply): Json {
  if (q.contentType !== 'text') return { content_type: q.contentType };
  return {
    content_type: 'text',
    title: q.title,
    payload: q.payload,
    ...(q.imageUrl === undefined ? {} : { image_url: q.imageUrl }),
  };
}

export function messagingMessageBody(message: MessagingMessage): Json {
  const out: Json =
    message.type === 'text'
      ? { text: message.text }
      : {
          attachment: {
            type: message.attachmentType,
            payload:
              message.attachmentId !== undefined
                ? { attachment_id: message.attachmentId }
                : {
                    url: message.url,
                    ...(message.isReusable === undefined ? {} : { is_reusable: message.isReusable }),
                  },
          },
        };
  if (message.quickReplies !== undefined) out.quick_replies = message.quickReplies.map(quickReplyBody);
  return out;
}

export interface MessagingRequest {
  recipientId: string;
  message?: MessagingMessage | undefined;
  senderAction?: SenderAction | undefined;
  messagingType?: string | undefined;
  tag?: string | undefined;
  replyTo?: string | undefined;
  metadata?: string | undefined;
}

export function messagingRequestBody(req: MessagingRequest): Json {
  const body: Json = { recipient: { id: req.recipientId } };
  // Sender actions carry neither messaging_type nor a message (Messenger "Sender Actions").
  if (req.senderAction !== undefined) {
    body.sender_action = req.senderAction;
    return body;
  }
  if (req.messagingType !== undefined) body.messaging_type = req.messagingType;
  if (req.tag !== undefined) body.tag = req.tag;
  if (req.message !== undefined) {
    const message = messagingMessageBody(req.message);
    if (req.metadata !== undefined) message.metadata = req.metadata;
    body.message = message;
  }
  if (req.replyTo !== undefined) body.reply_to = { mid: req.replyTo };
  return body;
}
