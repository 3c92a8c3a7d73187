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
    | { type: 'reaction'; messageId: string; emoji: string };
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
  deps: { ids: IdFactory; clock: SimClock },
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
      message.image = {
        ...(m.caption === undefined ? {} : { caption: m.caption }),
        mime_type: m.mimeType ?? 'image/jpeg',
        sha256: m.sha256 ?? 'hUZn5Jqu2WiMvS+Y4H7NJ6B6L5tOlQy3mV2xq9E1fIs=',
        id: m.mediaId,
      };
      break;
    case 'reaction':
      message.reaction = { message_id: m.messageId, emoji: m.emoji };
      break;
  }
  const body = whatsappChangeBody(number, 'messages', { contacts: [contact], messages: [message] });
  return { body, messageId };
}
