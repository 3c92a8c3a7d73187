import { createHash, createHmac } from 'node:crypto';
import type { WhatsAppNumber } from './account-types.ts';
import { whatsappChangeBody } from './inbound-webhooks.ts';
import type { StatusEventInput } from './status-webhooks.ts';

// What one status webhook looks like on the wire: its JSON body and the signature headers.

/** The `statuses` webhook body Meta sends for one status of a message of `number`, at `nowMs`. */
export function statusWebhookBody(number: WhatsAppNumber, input: StatusEventInput, nowMs: number): string {
  const nowSec = Math.floor(nowMs / 1000);
  const status: Record<string, unknown> = {
    id: input.messageId,
    status: input.status,
    timestamp: String(nowSec),
  };
  if (input.recipientKind === 'user') status.recipient_user_id = input.recipientId;
  else status.recipient_id = input.recipientId;
  if (input.recipientKind === 'group') status.recipient_type = 'group';
  if (input.bizOpaqueCallbackData !== undefined)
    status.biz_opaque_callback_data = input.bizOpaqueCallbackData;
  // Conversation and pricing ride on sent/delivered (fixtures whatsapp-status-sent*.json); v25
  // `read` carries neither, `failed` carries errors[].
  if (input.status === 'sent' || input.status === 'delivered') {
    const category = input.category ?? 'service';
    const conversation: Record<string, unknown> = {
      id: createHash('md5').update(`${number.phoneNumberId}:${input.recipientId}:${category}`).digest('hex'),
    };
    if (input.status === 'sent') conversation.expiration_timestamp = String(nowSec + 24 * 3600);
    conversation.origin = { type: category };
    status.conversation = conversation;
    status.pricing =
      category === 'service'
        ? { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category }
        : { billable: true, pricing_model: 'PMP', type: 'regular', category };
  }
  if (input.errors !== undefined) status.errors = input.errors;
  // Field order as Meta sends it: `value` before `field` (fixtures).
  return whatsappChangeBody(number, 'messages', { statuses: [status] });
}

/** The headers Meta's webhook POSTs carry, signed with the app secret. */
export function signedWebhookHeaders(body: string, appSecret: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-hub-signature-256': `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`,
    // Meta still sends the SHA-1 header next to the SHA-256 one.
    'x-hub-signature': `sha1=${createHmac('sha1', appSecret).update(body).digest('hex')}`,
    'user-agent': 'facebookexternalua',
  };
}
