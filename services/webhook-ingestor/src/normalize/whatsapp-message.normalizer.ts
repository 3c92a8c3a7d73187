import type { Contact, ContactChangePayload, InboundEvent } from '@omnistream/events';
import { type EventSink, required } from './event-sink.ts';
import {
  idOf,
  isoFromMetaTime,
  type JsonObject,
  nonEmptyStringOf,
  recordOf,
  stringOf,
} from './meta-values.ts';
import { messagePayload } from './whatsapp-message-payload.ts';
import { messageSender, type WhatsAppScope, whatsAppContact } from './whatsapp-scope.ts';

export { messagePayload } from './whatsapp-message-payload.ts';

/** Set on messages of a coexistence history sync (see the envelope's `history`). */
export type HistoryFlag = NonNullable<InboundEvent['history']>;

/**
 * One entry of WhatsApp `value.messages[]` → a `message` event, a `reaction` event (reactions are a kind
 * of their own in packages/events), or `unsupported` for message types this gateway does not know. A
 * `system` message about a changed number or BSUID also gives a `contact_change` event linking the old
 * and new identifiers. Throws MalformedFragmentError when the message lacks its id or sender (neither
 * `from` nor `from_user_id`); the caller publishes it as `unsupported` instead.
 */
export function emitWhatsAppMessage(
  message: unknown,
  scope: WhatsAppScope,
  sink: EventSink,
  history?: HistoryFlag,
): void {
  const msg = required(recordOf(message), 'message');
  const messageId = required(idOf(msg.id), 'message id');
  const type = stringOf(msg.type);
  const system = type === 'system' ? recordOf(msg.system) : undefined;
  const contact = required(
    whatsAppContact(messageSender(msg), scope.contacts) ??
      // A BSUID change arrives with no sender at all: the customer is the one in `system` (test/fixtures/SOURCES.md).
      (system === undefined ? undefined : systemSubject(system)),
    'message sender (from or from_user_id)',
  );
  const occurredAt = isoFromMetaTime(msg.timestamp) ?? sink.receivedAt;
  const groupId = idOf(msg.group_id);
  const extra = history === undefined ? {} : { history };

  if (type === 'reaction') {
    const reaction = required(recordOf(msg.reaction), 'reaction');
    const target = required(idOf(reaction.message_id), 'reaction message_id');
    // An unreact comes as `emoji: ""` (older payloads) or with `emoji` omitted (MetaDocs-WA
    // messages/reaction; pywa `unreaction_empty` / `unreaction_no_emoji`).
    const emoji = nonEmptyStringOf(reaction.emoji);
    sink.emit(
      {
        kind: 'reaction',
        channel: 'whatsapp',
        account: scope.account,
        contact,
        occurredAt,
        payload: { messageId: target, emoji, action: emoji === undefined ? 'unreact' : 'react', groupId },
        raw: msg,
        ...extra,
      },
      // Every reaction and unreact is a message with its own wamid: no discriminator needed.
      { metaId: messageId },
    );
    return;
  }

  const payload = messagePayload(type, msg, messageId, scope);
  if ('reason' in payload) {
    sink.unsupported({
      channel: 'whatsapp',
      account: scope.account,
      contact,
      occurredAt,
      reason: payload.reason,
      type: payload.type,
      raw: msg,
      metaId: messageId,
    });
    return;
  }
  if (groupId !== undefined) payload.groupId = groupId;
  sink.emit(
    {
      kind: 'message',
      channel: 'whatsapp',
      account: scope.account,
      contact,
      occurredAt,
      payload,
      raw: msg,
      ...extra,
    },
    { metaId: messageId },
  );
  if (system !== undefined && history === undefined) {
    emitIdentityChange(system, messageId, { account: scope.account, contact, occurredAt, raw: msg }, sink);
  }
}

/**
 * `system.type` `user_changed_number` (`wa_id`: the new number; the message's `from`: the old one) and
 * `user_changed_user_id` (`user_id` / `previous_user_id`, no `from`) → `contact_change`, whose
 * contact is the customer under the new identifier so that it lands on the new conversation key.
 * Other system notices stay `message` events of type `system` only.
 */
function emitIdentityChange(
  system: JsonObject,
  messageId: string,
  at: { account: WhatsAppScope['account']; contact: Contact; occurredAt: string; raw: JsonObject },
  sink: EventSink,
): void {
  const systemType = stringOf(system.type);
  const body = stringOf(system.body);
  let payload: ContactChangePayload;
  if (systemType === 'user_changed_number' || systemType === 'customer_changed_number') {
    const newWaId = idOf(system.wa_id) ?? idOf(system.new_wa_id);
    if (newWaId === undefined) return;
    const previousWaId = at.contact.id === at.contact.userId ? undefined : at.contact.id;
    payload = {
      change: 'number_changed',
      source: 'system',
      previous: previousWaId === undefined ? undefined : { waId: previousWaId, userId: at.contact.userId },
      current: { waId: newWaId, userId: idOf(system.user_id) ?? at.contact.userId },
      body,
      messageId,
    };
  } else if (systemType === 'user_changed_user_id') {
    const userId = idOf(system.user_id);
    if (userId === undefined) return;
    // Meta names the old BSUID only in the text ("User A changed from US.1… to US.2…"); the
    // `user_id_update` field carries both as data (see emitUserIdUpdates).
    const previousUserId =
      idOf(system.previous_user_id) ??
      /changed from (\S+) to \S+/.exec(body ?? '')?.[1]?.replace(/[.,;]$/, '');
    const waId = idOf(system.wa_id) ?? (at.contact.id === at.contact.userId ? undefined : at.contact.id);
    payload = {
      change: 'user_id_changed',
      source: 'system',
      previous: previousUserId === undefined ? undefined : { waId, userId: previousUserId },
      current: { waId, userId },
      body,
      messageId,
    };
  } else {
    return;
  }
  const current = payload.current as { waId?: string | undefined; userId?: string | undefined };
  const contact: Contact = { id: (current.waId ?? current.userId) as string };
  if (current.userId !== undefined) contact.userId = current.userId;
  if (at.contact.username !== undefined) contact.username = at.contact.username;
  sink.emit(
    {
      kind: 'contact_change',
      channel: 'whatsapp',
      account: at.account,
      contact,
      occurredAt: at.occurredAt,
      payload,
      raw: at.raw,
    },
    { metaId: messageId },
  );
}

/** The customer a system message is about when it names no sender (BSUID changes). */
function systemSubject(system: JsonObject): Contact | undefined {
  const waId = idOf(system.wa_id);
  const userId = idOf(system.user_id);
  const id = waId ?? userId;
  if (id === undefined) return undefined;
  return userId === undefined ? { id } : { id, userId };
}
