import type {
  Contact,
  ContactChangePayload,
  InboundEvent,
  InboundMedia,
  MessagePayload,
} from '@omnistream/events';
import { type EventSink, required } from './event-sink.ts';
import {
  booleanOf,
  httpUrlOf,
  idOf,
  isoFromMetaTime,
  isRecord,
  type JsonObject,
  metaErrorsOf,
  nonEmptyStringOf,
  recordOf,
  stringOf,
} from './meta-values.ts';
import { messageSender, type WhatsAppScope, whatsAppContact } from './whatsapp-scope.ts';

/** A message type this normalizer does not know, or an interactive reply type it does not know. */
interface NotNormalized {
  reason: string;
  type: string | undefined;
}

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
      // A BSUID change arrives with no sender at all: the customer is the one in `system` (SOURCES.md).
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

export function messagePayload(
  type: string | undefined,
  msg: JsonObject,
  messageId: string,
  scope: WhatsAppScope,
): MessagePayload | NotNormalized {
  const context = recordOf(msg.context);
  const contextId = idOf(context?.id);
  const ownErrors = metaErrorsOf(msg.errors);
  const common = {
    messageId,
    // `context.id` is absent on a forwarded message, which carries only the forwarded flags (pywa).
    replyTo: contextId === undefined ? undefined : { messageId: contextId, from: idOf(context?.from) },
    forwarded: booleanOf(context?.forwarded),
    frequentlyForwarded: booleanOf(context?.frequently_forwarded),
    referredProduct: recordOf(context?.referred_product),
    // Only on the first message after a click-to-WhatsApp ad (SOURCES.md, MetaDocs-WA).
    referral: recordOf(msg.referral),
    errors: ownErrors,
  };
  // A known type without its content object: Meta could not render it and says why in `value.errors`
  // (SOURCES.md: `type: "interactive"` with no body next to `value.errors[131000]`). It is still the
  // customer's message in the conversation, so it is published as a message of type `unsupported`.
  const unrenderable: MessagePayload = {
    ...common,
    type: 'unsupported',
    errors: ownErrors ?? scope.valueErrors,
  };

  switch (type) {
    case 'text': {
      const body = stringOf(recordOf(msg.text)?.body);
      return body === undefined ? unrenderable : { ...common, type, text: body };
    }
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker': {
      const media = mediaOf(msg[type]);
      return media === undefined ? unrenderable : { ...common, type, media };
    }
    case 'location': {
      const location = recordOf(msg.location);
      const latitude = coordinateOf(location?.latitude, 90);
      const longitude = coordinateOf(location?.longitude, 180);
      if (latitude === undefined || longitude === undefined) return unrenderable;
      return {
        ...common,
        type,
        location: {
          latitude,
          longitude,
          // Only a picked place has these; a "current location" share is lat/long alone (pywa).
          name: stringOf(location?.name),
          address: stringOf(location?.address),
          url: stringOf(location?.url),
        },
      };
    }
    case 'contacts': {
      const cards = Array.isArray(msg.contacts) ? msg.contacts.filter(isRecord) : [];
      return cards.length === 0 ? unrenderable : { ...common, type, contacts: cards };
    }
    case 'interactive':
      return interactivePayload(msg, common, unrenderable);
    case 'button': {
      // Quick-reply button of a template: `type: "button"`, not `interactive` (pywa; chatwoot #3795).
      const button = recordOf(msg.button);
      const text = stringOf(button?.text);
      if (text === undefined) return unrenderable;
      return { ...common, type, button: { text, payload: stringOf(button?.payload) } };
    }
    case 'order': {
      const order = recordOf(msg.order);
      return order === undefined ? unrenderable : { ...common, type, order };
    }
    case 'system': {
      const system = recordOf(msg.system);
      if (system === undefined) return unrenderable;
      // The current field is `wa_id`; webhooks up to v11 sent `new_wa_id` (SOURCES.md). Consumers read one.
      const legacyWaId = system.wa_id === undefined ? idOf(system.new_wa_id) : undefined;
      return {
        ...common,
        type,
        system: legacyWaId === undefined ? system : { ...system, wa_id: legacyWaId },
      };
    }
    case 'unsupported':
      // Meta's own "Message type unknown" (131051): the customer sent something Cloud API cannot
      // deliver (pywa `#unsupported`). The errors say what.
      return { ...common, type };
    default:
      return {
        reason: `WhatsApp message type ${type ?? '(none)'} is not normalized`,
        type,
      };
  }
}

type Common = Omit<Extract<MessagePayload, { type: 'interactive' }>, 'type' | 'interactive'>;

function interactivePayload(
  msg: JsonObject,
  common: Common,
  unrenderable: MessagePayload,
): MessagePayload | NotNormalized {
  const interactive = recordOf(msg.interactive);
  if (interactive === undefined) return unrenderable;
  const replyType = stringOf(interactive.type);
  const reply = recordOf(replyType === undefined ? undefined : interactive[replyType]);
  switch (replyType) {
    case 'button_reply':
    case 'list_reply': {
      const id = nonEmptyStringOf(reply?.id);
      if (id === undefined) return unrenderable;
      const title = stringOf(reply?.title) ?? '';
      return {
        ...common,
        type: 'interactive',
        interactive:
          replyType === 'button_reply'
            ? { replyType, id, title }
            : { replyType, id, title, description: stringOf(reply?.description) },
      };
    }
    case 'nfm_reply': {
      // `response_json` is a JSON string (flow_token inside); kept as sent, consumers parse it.
      const responseJson = stringOf(reply?.response_json);
      if (responseJson === undefined) return unrenderable;
      return {
        ...common,
        type: 'interactive',
        interactive: { replyType, name: stringOf(reply?.name), body: stringOf(reply?.body), responseJson },
      };
    }
    default:
      return {
        reason: `WhatsApp interactive reply type ${replyType ?? '(none)'} is not normalized`,
        type: replyType === undefined ? 'interactive' : `interactive.${replyType}`,
      };
  }
}

/** WhatsApp media: the id (GET /{media-id}), and since 2025 also a `url` on some payloads (SOURCES.md). */
function mediaOf(value: unknown): InboundMedia | undefined {
  const media = recordOf(value);
  if (media === undefined) return undefined;
  const id = idOf(media.id);
  const url = httpUrlOf(media.url);
  if (id === undefined && url === undefined) return undefined;
  return {
    id,
    url,
    mimeType: nonEmptyStringOf(media.mime_type),
    sha256: nonEmptyStringOf(media.sha256),
    caption: stringOf(media.caption),
    filename: stringOf(media.filename),
    voice: booleanOf(media.voice),
    animated: booleanOf(media.animated),
  };
}

/** Latitude / longitude: JSON numbers per Meta, but numeric strings are taken too. */
function coordinateOf(value: unknown, limit: number): number | undefined {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : NaN;
  return Number.isFinite(n) && Math.abs(n) <= limit ? n : undefined;
}
