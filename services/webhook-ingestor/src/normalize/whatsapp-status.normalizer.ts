import { MESSAGE_STATUSES, type MessageStatus, type StatusPayload } from '@omnistream/events';
import { type EventSink, required } from './event-sink.ts';
import { idOf, isoFromMetaTime, metaErrorsOf, nonEmptyStringOf, recordOf, stringOf } from './meta-values.ts';
import type { WhatsAppScope } from './whatsapp-scope.ts';

const STATUSES: ReadonlySet<string> = new Set(MESSAGE_STATUSES);

/**
 * One entry of WhatsApp `value.statuses[]` → a `status` event about the business's message. The event id
 * is discriminated by the status, so sent, delivered and read of one wamid are three events, while a
 * retry of any of them keeps its id. A status outside Meta's known enum becomes `unsupported`.
 */
export function emitWhatsAppStatus(status: unknown, scope: WhatsAppScope, sink: EventSink): void {
  const st = required(recordOf(status), 'status');
  const messageId = required(idOf(st.id), 'status id');
  const state = required(nonEmptyStringOf(st.status), 'status value');
  // Since BSUID, `recipient_id` may be missing for username-only users, who have `recipient_user_id`
  // (SOURCES.md, waapijs v25).
  const recipientId = idOf(st.recipient_id) ?? idOf(st.recipient_user_id);
  const occurredAt = isoFromMetaTime(st.timestamp) ?? sink.receivedAt;

  if (!STATUSES.has(state)) {
    sink.unsupported({
      channel: 'whatsapp',
      account: scope.account,
      contact: recipientId === undefined ? undefined : { id: recipientId },
      occurredAt,
      reason: `WhatsApp message status ${state} is not normalized`,
      type: state,
      raw: st,
      metaId: messageId,
      discriminator: state,
    });
    return;
  }

  const recipient = required(recipientId, 'status recipient_id');
  const conversation = recordOf(st.conversation);
  const payload: StatusPayload = {
    messageId,
    status: state as MessageStatus,
    recipientId: recipient,
    // Verbatim: `expiration_timestamp` is a string and only on the first `sent` of a conversation;
    // v25 `read` statuses have neither conversation nor pricing (SOURCES.md).
    conversation:
      conversation !== undefined && nonEmptyStringOf(conversation.id) !== undefined
        ? (conversation as StatusPayload['conversation'])
        : undefined,
    pricing: recordOf(st.pricing),
    errors: metaErrorsOf(st.errors),
    bizOpaqueCallbackData: stringOf(st.biz_opaque_callback_data),
  };
  sink.emit(
    {
      kind: 'status',
      channel: 'whatsapp',
      account: scope.account,
      contact: { id: recipient },
      occurredAt,
      payload,
      raw: st,
    },
    { metaId: messageId, discriminator: state },
  );
}
