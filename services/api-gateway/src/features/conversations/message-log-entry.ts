import type { InboundEventOf } from '@omnistream/events';

/** A `message` or `echo` event of the inbound topic (docs/events.md), as the message log stores it. */
export type LoggedEvent = InboundEventOf<'message'> | InboundEventOf<'echo'>;

/** One row of message_log (migrations/012_message_log.sql). */
export interface MessageLogEntry {
  eventId: string;
  integrationId: string;
  channel: string;
  accountId: string;
  contactId: string;
  direction: 'in' | 'out_echo';
  metaMessageId: string;
  messageType: string;
  preview: string | null;
  payload: unknown;
  occurredAt: string;
  receivedAt: string;
}

/** The longest preview kept, in characters: enough for a list line, never a whole document. */
export const PREVIEW_MAX_CHARS = 500;

type Payload = LoggedEvent['payload'];

/** The text a person would read first: the body, a caption, a tapped button's title. */
function previewText(p: Payload): string | undefined {
  switch (p.type) {
    case 'text':
      return p.text;
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker':
      return p.media.caption;
    case 'attachment':
    case 'unsupported':
      return p.text;
    case 'button':
      return p.button.text;
    case 'interactive':
      return p.interactive.replyType === 'nfm_reply' ? p.interactive.body : p.interactive.title;
    case 'location':
      return p.location.name ?? p.location.address;
    default:
      return undefined;
  }
}

/**
 * PostgreSQL stores neither NUL nor a lone UTF-16 surrogate in text or jsonb; a message carrying one
 * would fail its insert on every retry. Such characters become U+FFFD.
 */
export function storable(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD').toWellFormed();
}

/** At most PREVIEW_MAX_CHARS code points, so a cut never splits a surrogate pair. */
export function previewOf(payload: Payload): string | null {
  const text = previewText(payload);
  if (text === undefined || text === '') return null;
  const chars = Array.from(storable(text));
  return chars.length > PREVIEW_MAX_CHARS ? chars.slice(0, PREVIEW_MAX_CHARS).join('') : chars.join('');
}

/** The row of an event with a known integration; null for one no integration matched (yet). */
export function toEntry(event: LoggedEvent): MessageLogEntry | null {
  if (event.integrationId === null) return null;
  return {
    eventId: event.eventId,
    integrationId: event.integrationId,
    channel: event.channel,
    accountId: event.account.id,
    contactId: event.contact.id,
    direction: event.kind === 'message' ? 'in' : 'out_echo',
    metaMessageId: event.payload.messageId,
    messageType: event.payload.type,
    preview: previewOf(event.payload),
    payload: event.payload,
    occurredAt: event.occurredAt,
    receivedAt: event.receivedAt,
  };
}
