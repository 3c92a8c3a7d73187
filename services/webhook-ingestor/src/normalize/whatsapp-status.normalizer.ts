import { MESSAGE_STATUSES, type MessageStatus, type StatusPayload } from '@omnistream/events';
import { type EventSink, required } from './event-sink.ts';
import {
  idOf,
  isoFromMetaTime,
  type JsonObject,
  metaErrorsOf,
  nonEmptyStringOf,
  recordOf,
  stringOf,
} from './meta-values.ts';
import { type WhatsAppScope, whatsAppContact } from './whatsapp-scope.ts';

/**
 * The group member a group status is about: a read in a group is one member's read. Meta names the
 * member `recipient_participant_id` (phone) and `recipient_participant_user_id` (BSUID).
 */
function groupParticipant(
  st: JsonObject,
): { waId: string | undefined; userId: string | undefined } | undefined {
  const waId = idOf(st.recipient_participant_id);
  const userId = idOf(st.recipient_participant_user_id);
  return waId === undefined && userId === undefined ? undefined : { waId, userId };
}

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
  // (test/fixtures/SOURCES.md, waapijs v25). In a group, `recipient_id` is the group and the member is named
  // separately (`recipient_participant_id`, test/fixtures/SOURCES.md "WhatsApp 2026 platform").
  const groupId = stringOf(st.recipient_type) === 'group' ? idOf(st.recipient_id) : undefined;
  const participant = groupId === undefined ? undefined : groupParticipant(st);
  const customer =
    groupId === undefined
      ? whatsAppContact(
          {
            waId: idOf(st.recipient_id),
            userId: idOf(st.recipient_user_id),
            // Meta's own pages spell the parent key three ways (test/fixtures/test/fixtures/SOURCES.md "WhatsApp 2026 platform").
            parentUserId:
              idOf(st.parent_recipient_user_id) ??
              idOf(st.recipient_parent_user_id) ??
              idOf(st.parent_user_id),
          },
          scope.contacts,
        )
      : participant === undefined
        ? { id: groupId }
        : whatsAppContact({ waId: participant.waId, userId: participant.userId }, scope.contacts);
  const recipientId = groupId ?? customer?.id;
  const occurredAt = isoFromMetaTime(st.timestamp) ?? sink.receivedAt;

  if (!STATUSES.has(state)) {
    sink.unsupported({
      channel: 'whatsapp',
      account: scope.account,
      contact: customer,
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
    // v25 `read` statuses have neither conversation nor pricing (test/fixtures/SOURCES.md).
    conversation:
      conversation !== undefined && nonEmptyStringOf(conversation.id) !== undefined
        ? (conversation as StatusPayload['conversation'])
        : undefined,
    pricing: recordOf(st.pricing),
    errors: metaErrorsOf(st.errors),
    bizOpaqueCallbackData: stringOf(st.biz_opaque_callback_data),
  };
  if (groupId !== undefined) payload.groupId = groupId;
  if (participant !== undefined) {
    const id = (participant.waId ?? participant.userId) as string;
    payload.participant = participant.userId === undefined ? { id } : { id, userId: participant.userId };
  }
  sink.emit(
    {
      kind: 'status',
      channel: 'whatsapp',
      account: scope.account,
      contact: customer ?? { id: recipient },
      occurredAt,
      payload,
      raw: st,
    },
    { metaId: messageId, discriminator: state },
  );
}
