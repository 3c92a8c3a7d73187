import type { WhatsAppNumber } from './account-types.ts';
import type { SimClock } from './clock.ts';
import type { IdFactory } from './ids.ts';
import { metaJsonStringify } from './meta-json.ts';

/**
 * A customer's message as Meta's `messages` webhook carries it, for tests, benchmarks and the demo.
 * The customer may be known by phone number, by business-scoped user id (BSUID), or both; a customer
 * who adopted a username and did not share a number has only the BSUID: `contacts[]` holds
 * `user_id` and `profile.username` and no `wa_id`, the message `from_user_id` and no `from`
 * (docs/services.md, "Who the customer is").
 */
export interface InboundMessageInput {
  phoneNumberId: string;
  customer: { waId?: string; userId?: string; username?: string; name?: string };
  /** Groups API: the message was written in this group. */
  groupId?: string;
  message:
    | { type: 'text'; text: string }
    | { type: 'image'; mediaId: string; mimeType?: string; sha256?: string; caption?: string }
    | { type: 'audio'; mediaId: string; mimeType?: string; sha256?: string; voice?: boolean }
    | { type: 'video'; mediaId: string; mimeType?: string; sha256?: string; caption?: string }
    | {
        type: 'document';
        mediaId: string;
        mimeType?: string;
        sha256?: string;
        caption?: string;
        filename?: string;
      }
    | { type: 'sticker'; mediaId: string; mimeType?: string; sha256?: string; animated?: boolean }
    | { type: 'reaction'; messageId: string; emoji: string };
}

/** Hex (the media store's form) → base64 (the form WhatsApp webhooks carry `sha256` in). */
function webhookSha256(sha256: string | undefined, fallback: string): string {
  if (sha256 === undefined) return fallback;
  return /^[0-9a-f]{64}$/i.test(sha256) ? Buffer.from(sha256, 'hex').toString('base64') : sha256;
}

/** Facts of a media message, taken from the media store when the id is one the simulator serves. */
export interface MediaFacts {
  mimeType: string;
  sha256: string;
  filename?: string;
}

/**
 * A `whatsapp_business_account` webhook with one change of `field` for `number`, serialized as Meta
 * does (escaped non-ASCII and slashes; `value` before `field`).
 */
export function whatsappChangeBody(
  number: WhatsAppNumber,
  field: string,
  value: Record<string, unknown>,
): string {
  return metaJsonStringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: number.wabaId,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: number.displayPhoneNumber,
                phone_number_id: number.phoneNumberId,
              },
              ...value,
            },
            field,
          },
        ],
      },
    ],
  });
}

export function inboundMessageBody(
  number: WhatsAppNumber,
  input: InboundMessageInput,
  deps: { ids: IdFactory; clock: SimClock; mediaFacts?: (id: string) => MediaFacts | undefined },
): { body: string; messageId: string } {
  const { customer } = input;
  const key = customer.waId ?? customer.userId ?? 'unknown';
  const messageId = deps.ids.wamid(key);
  const profile: Record<string, unknown> = { name: customer.name ?? 'Customer' };
  if (customer.username !== undefined) profile.username = customer.username;
  const contact: Record<string, unknown> = { profile };
  if (customer.waId !== undefined) contact.wa_id = customer.waId;
  if (customer.userId !== undefined) contact.user_id = customer.userId;
  const message: Record<string, unknown> = {};
  if (customer.waId !== undefined) message.from = customer.waId;
  if (customer.userId !== undefined) message.from_user_id = customer.userId;
  if (input.groupId !== undefined) message.group_id = input.groupId;
  message.id = messageId;
  message.timestamp = String(Math.floor(deps.clock.now() / 1000));
  const m = input.message;
  message.type = m.type;
  switch (m.type) {
    case 'text':
      message.text = { body: m.text };
      break;
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker': {
      // Shapes per the Cloud API webhook reference (messages object):
      // https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components#messages-object
      const facts = deps.mediaFacts?.(m.mediaId);
      const defaults: Record<typeof m.type, string> = {
        image: 'image/jpeg',
        audio: 'audio/ogg; codecs=opus',
        video: 'video/mp4',
        document: 'application/pdf',
        sticker: 'image/webp',
      };
      const media: Record<string, unknown> = {};
      if ('caption' in m && m.caption !== undefined) media.caption = m.caption;
      if (m.type === 'document') {
        const filename = m.filename ?? facts?.filename;
        if (filename !== undefined) media.filename = filename;
      }
      media.mime_type = m.mimeType ?? facts?.mimeType ?? defaults[m.type];
      media.sha256 = webhookSha256(m.sha256 ?? facts?.sha256, 'hUZn5Jqu2WiMvS+Y4H7NJ6B6L5tOlQy3mV2xq9E1fIs=');
      media.id = m.mediaId;
      if (m.type === 'audio') media.voice = m.voice ?? false;
      if (m.type === 'sticker') media.animated = m.animated ?? false;
      message[m.type] = media;
      break;
    }
    case 'reaction':
      message.reaction = { message_id: m.messageId, emoji: m.emoji };
      break;
  }
  const body = whatsappChangeBody(number, 'messages', { contacts: [contact], messages: [message] });
  return { body, messageId };
}

/** A customer's Messenger or Instagram message carrying attachments (webhook `messaging` entry). */
export interface InboundMessagingInput {
  channel: 'messenger' | 'instagram';
  /** Page id (Messenger) or IG user id (Instagram). */
  accountId: string;
  /** PSID or IGSID. */
  senderId: string;
  text?: string;
  attachments: { type: 'image' | 'audio' | 'video' | 'file'; url: string }[];
}

/**
 * `object: page` / `object: instagram` webhook with one message whose attachments carry CDN URLs
 * (https://developers.facebook.com/docs/messenger-platform/reference/webhook-events/messages).
 */
export function inboundMessagingBody(
  input: InboundMessagingInput,
  deps: { ids: IdFactory; clock: SimClock },
): { body: string; messageId: string } {
  const now = deps.clock.now();
  const messageId =
    input.channel === 'messenger' ? deps.ids.messengerMid() : deps.ids.instagramMid(input.accountId);
  const message: Record<string, unknown> = { mid: messageId };
  if (input.text !== undefined) message.text = input.text;
  message.attachments = input.attachments.map((a) => ({ type: a.type, payload: { url: a.url } }));
  const body = metaJsonStringify({
    object: input.channel === 'messenger' ? 'page' : 'instagram',
    entry: [
      {
        time: now,
        id: input.accountId,
        messaging: [
          {
            sender: { id: input.senderId },
            recipient: { id: input.accountId },
            timestamp: now,
            message,
          },
        ],
      },
    ],
  });
  return { body, messageId };
}
