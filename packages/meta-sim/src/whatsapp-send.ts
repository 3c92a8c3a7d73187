import type { TokenRecord, WhatsAppNumber } from './account-types.ts';
import type { CallResult } from './graph-call.ts';
import { pairRateLimit, reengagement, templateMissing, throughputLimit } from './meta-errors.ts';
import type { SimContext } from './sim-context.ts';
import { validateWhatsAppSend } from './validate-whatsapp.ts';

/**
 * `POST /{phone-number-id}/messages` after authentication. Check order: throughput (130429),
 * body (100), 24 h window (131047), template existence when enforced (132001), pair rate (131056).
 * Only an accepted send reaches the ledger and the status webhooks.
 */
export function whatsappSend(
  ctx: SimContext,
  number: WhatsAppNumber,
  token: TokenRecord,
  body: unknown,
): CallResult {
  const send = validateBodyAfterThroughput(ctx, number, body);
  if (send.kind === 'read') return { body: { success: true } };

  const template = send.template;
  // A group has no customer service window: members joined by invitation (Groups API).
  if (!template && send.recipientKind !== 'group' && !ctx.window.isOpen(number.phoneNumberId, send.waId)) {
    throw reengagement();
  }
  let category = 'service';
  if (template) {
    const known = ctx.templates.find(number.wabaId, template.name, template.language);
    if (ctx.templates.enforceOnSend && known?.status !== 'APPROVED') {
      throw templateMissing(template.name, template.language);
    }
    category = (known?.category ?? 'UTILITY').toLowerCase();
  }
  if (!ctx.limits.takePair(number.phoneNumberId, send.waId)) throw pairRateLimit();

  const messageId = ctx.ids.wamid(send.waId);
  ctx.ledger.record({
    at: ctx.clock.now(),
    channel: 'whatsapp',
    accountId: number.phoneNumberId,
    to: send.waId,
    body,
    messageId,
    tokenLast4: token.token.slice(-4),
  });
  const opaque = (body as { biz_opaque_callback_data?: string }).biz_opaque_callback_data;
  ctx.webhooks.onAccepted({
    number,
    messageId,
    recipientId: send.waId,
    recipientKind: send.recipientKind,
    category,
    ...(opaque === undefined ? {} : { bizOpaqueCallbackData: opaque }),
  });
  // Template sends carry message_status (fixtures whatsapp_send_template); others do not.
  const message = template ? { id: messageId, message_status: 'accepted' } : { id: messageId };
  return {
    body: {
      messaging_product: 'whatsapp',
      // A BSUID send answers with `user_id` instead of `wa_id` (fixtures whatsapp_send_bsuid); a group
      // send echoes the group id as input and names it on the message.
      contacts: [
        send.recipientKind === 'user'
          ? { input: send.input, user_id: send.waId }
          : send.recipientKind === 'group'
            ? { input: send.input }
            : { input: send.input, wa_id: send.waId },
      ],
      messages: [send.recipientKind === 'group' ? { ...message, group_id: send.waId } : message],
    },
  };
}

function validateBodyAfterThroughput(ctx: SimContext, number: WhatsAppNumber, body: unknown) {
  // Mark-as-read is not a message: it does not use the number's message throughput.
  const isRead =
    typeof body === 'object' && body !== null && (body as { status?: unknown }).status !== undefined;
  if (!isRead && !ctx.limits.takeAccount('whatsapp', number.phoneNumberId)) throw throughputLimit();
  return validateWhatsAppSend(body);
}
