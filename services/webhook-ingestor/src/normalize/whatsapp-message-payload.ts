import type { InboundMedia, MessagePayload } from '@omnistream/events';
import {
  booleanOf,
  httpUrlOf,
  idOf,
  isRecord,
  type JsonObject,
  metaErrorsOf,
  nonEmptyStringOf,
  recordOf,
  stringOf,
} from './meta-values.ts';
import type { WhatsAppScope } from './whatsapp-scope.ts';

// The content of one WhatsApp `value.messages[]` entry, by message type (text, media, location,
// interactive replies, …), for the `message` event emitWhatsAppMessage publishes.

/** A message type this normalizer does not know, or an interactive reply type it does not know. */
export interface NotNormalized {
  reason: string;
  type: string | undefined;
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
    // Only on the first message after a click-to-WhatsApp ad (test/fixtures/SOURCES.md, MetaDocs-WA).
    referral: recordOf(msg.referral),
    errors: ownErrors,
  };
  // A known type without its content object: Meta could not render it and says why in `value.errors`
  // (test/fixtures/SOURCES.md: `type: "interactive"` with no body next to `value.errors[131000]`). It is still the
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
      // The current field is `wa_id`; webhooks up to v11 sent `new_wa_id` (test/fixtures/SOURCES.md). Consumers read one.
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

/** WhatsApp media: the id (GET /{media-id}), and since 2025 also a `url` on some payloads (test/fixtures/SOURCES.md). */
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
