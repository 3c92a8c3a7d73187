import type { Interactive } from '@omnistream/events';
import type { WhatsAppContact, WhatsAppMessage } from './whatsapp-message.ts';

/**
 * The exact JSON of `POST /{phone-number-id}/messages` (WhatsApp Cloud API Messages reference):
 * `{messaging_product:"whatsapp", recipient_type:"individual", to, type, <type>:{…}, context?}`.
 * Optional fields are left out rather than sent as null: Meta answers 100 to some nulls.
 */

type Json = Record<string, unknown>;

/** Copies only the defined values, renaming keys to Meta's snake_case. */
function pick(source: Record<string, unknown>, keys: Record<string, string>): Json {
  const out: Json = {};
  for (const [from, to] of Object.entries(keys)) if (source[from] !== undefined) out[to] = source[from];
  return out;
}

function mediaHeader(header: NonNullable<Extract<Interactive, { type: 'buttons' }>['header']>): Json {
  if (header.type === 'text') return { type: 'text', text: header.text };
  return {
    type: header.type,
    [header.type]: header.id !== undefined ? { id: header.id } : { link: header.link },
  };
}

export function interactiveBody(interactive: Interactive): Json {
  const common: Json = {};
  if (interactive.header !== undefined) common.header = mediaHeader(interactive.header);
  common.body = { text: interactive.body };
  if (interactive.footer !== undefined) common.footer = { text: interactive.footer };
  switch (interactive.type) {
    case 'buttons':
      return {
        type: 'button',
        ...common,
        action: {
          buttons: interactive.buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })),
        },
      };
    case 'list':
      return {
        type: 'list',
        ...common,
        action: {
          button: interactive.buttonText,
          sections: interactive.sections.map((s) => ({
            ...(s.title === undefined ? {} : { title: s.title }),
            rows: s.rows.map((r) => pick(r, { id: 'id', title: 'title', description: 'description' })),
          })),
        },
      };
    case 'cta_url':
      return {
        type: 'cta_url',
        ...common,
        action: {
          name: 'cta_url',
          parameters: { display_text: interactive.displayText, url: interactive.url },
        },
      };
  }
}

function contactBody(contact: WhatsAppContact): Json {
  const out: Json = {
    name: pick(contact.name, {
      formattedName: 'formatted_name',
      firstName: 'first_name',
      lastName: 'last_name',
      middleName: 'middle_name',
      prefix: 'prefix',
      suffix: 'suffix',
    }),
  };
  if (contact.phones)
    out.phones = contact.phones.map((p) => pick(p, { phone: 'phone', type: 'type', waId: 'wa_id' }));
  if (contact.emails) out.emails = contact.emails.map((e) => pick(e, { email: 'email', type: 'type' }));
  if (contact.urls) out.urls = contact.urls.map((u) => pick(u, { url: 'url', type: 'type' }));
  if (contact.addresses) {
    out.addresses = contact.addresses.map((a) =>
      pick(a, {
        street: 'street',
        city: 'city',
        state: 'state',
        zip: 'zip',
        country: 'country',
        countryCode: 'country_code',
        type: 'type',
      }),
    );
  }
  if (contact.org)
    out.org = pick(contact.org, { company: 'company', department: 'department', title: 'title' });
  if (contact.birthday) out.birthday = contact.birthday;
  return out;
}

function content(message: WhatsAppMessage): Json | Json[] {
  switch (message.type) {
    case 'text':
      return message.previewUrl === undefined
        ? { body: message.text }
        : { body: message.text, preview_url: message.previewUrl };
    case 'image':
    case 'video':
    case 'document':
    case 'audio':
    case 'sticker':
      return pick(message, { id: 'id', link: 'link', caption: 'caption', filename: 'filename' });
    case 'location':
      return pick(message, {
        latitude: 'latitude',
        longitude: 'longitude',
        name: 'name',
        address: 'address',
      });
    case 'interactive':
      return interactiveBody(message.interactive);
    case 'template':
      return {
        name: message.name,
        // "deterministic" is the only policy Meta supports: use exactly the language given.
        language: { policy: 'deterministic', code: message.language },
        ...(message.components === undefined ? {} : { components: message.components }),
      };
    case 'reaction':
      return { message_id: message.messageId, emoji: message.emoji };
    case 'contacts':
      // Unlike the others, `contacts` is an array.
      return message.contacts.map(contactBody);
  }
}

/** `US.13491208655302741918`: a two-letter country code, a dot, letters and digits (parent ids add `ENT`). */
const BSUID = /^[A-Z]{2}\.[A-Za-z0-9]+(\.[A-Za-z0-9]+)?$/;
export function isBsuid(value: string): boolean {
  return BSUID.test(value);
}

export function whatsAppMessageBody(
  to: string,
  message: WhatsAppMessage,
  replyTo?: string,
  callbackData?: string,
  recipientType: 'individual' | 'group' = 'individual',
): Json {
  // A business-scoped user id goes in `recipient`, never in `to`: since February 2026 Meta wants
  // BSUIDs in their own fields (https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/,
  // "Send message requests"; when both are given, `to` wins).
  const target = recipientType === 'individual' && isBsuid(to) ? { recipient: to } : { to };
  const body: Json = {
    messaging_product: 'whatsapp',
    recipient_type: recipientType,
    ...target,
    type: message.type,
  };
  body[message.type] = content(message);
  if (replyTo !== undefined) body.context = { message_id: replyTo };
  if (callbackData !== undefined) body.biz_opaque_callback_data = callbackData;
  return body;
}

/** Mark an inbound message read (also clears the unread badge on the user's side). */
export function whatsAppReadBody(messageId: string): Json {
  return { messaging_product: 'whatsapp', status: 'read', message_id: messageId };
}
