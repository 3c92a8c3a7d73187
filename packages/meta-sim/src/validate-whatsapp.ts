import type { GraphError } from './graph-error.ts';
import { requiredParam, whatsappInvalidParam } from './meta-errors.ts';

// Hand-written on purpose: this runs on every send at benchmark rates. Limits follow the Cloud API
// "Messages" reference (text 4096 chars, captions 1024, ≤3 reply buttons with 20-char titles,
// list ≤10 sections / ≤10 rows, row title 24, description 72, button label 20, footer 60).
// Wording of `details` is representative: Meta's text varies by version; the code is what counts.

export type WhatsAppSend =
  | { kind: 'read'; messageId: string }
  | {
      kind: 'message';
      type: string;
      /** `to` as sent (echoed as contacts[].input). */
      input: string;
      /** The recipient's key: digits only for a phone number (contacts[].wa_id), else the BSUID or
       * the group id as sent. Pair rate, customer window and ledger are keyed by it. */
      waId: string;
      /** `phone`: a number; `user`: a business-scoped user id (BSUID); `group`: a Groups API group. */
      recipientKind: 'phone' | 'user' | 'group';
      template?: { name: string; language: string };
    };

const TYPES = new Set([
  'text',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'template',
  'reaction',
]);
const TYPE_LIST =
  '{AUDIO, CONTACTS, DOCUMENT, IMAGE, INTERACTIVE, LOCATION, REACTION, STICKER, TEMPLATE, TEXT, VIDEO}';
const MEDIA = new Set(['image', 'audio', 'video', 'document', 'sticker']);
const CAPTIONED = new Set(['image', 'video', 'document']);

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const bad = (details: string): GraphError => whatsappInvalidParam(details);

/** Business-scoped user id: two-letter country code, a dot, alphanumerics (a parent BSUID has `ENT`). */
const BSUID = /^[A-Z]{2}\.[A-Za-z0-9]{1,128}(\.[A-Za-z0-9]{1,128})?$/;

/**
 * The recipient: `to` with a phone number in any format, or `recipient` with a business-scoped user
 * id when the number is unknown (docs/services.md, "Who the customer is"); with `recipient_type`
 * group, `to` is a Groups API group id.
 */
function recipientOf(body: Obj): { to: string; waId: string; recipientKind: 'phone' | 'user' | 'group' } {
  const type = body.recipient_type ?? 'individual';
  if (type !== 'individual' && type !== 'group') {
    throw bad(`Param recipient_type must be one of {INDIVIDUAL, GROUP} - got "${String(type)}".`);
  }
  if (type === 'group') {
    const to = body.to;
    if (to === undefined) throw requiredParam('to');
    if (!isStr(to) || !/^\S{1,128}$/.test(to))
      throw bad(`Invalid 'to' parameter: "${String(to)}" is not a valid group id.`);
    return { to, waId: to, recipientKind: 'group' };
  }
  // `to` wins when both are given (Meta's BSUID page); a BSUID in `to` is refused, as Meta has
  // required BSUIDs in their own field since February 2026.
  if (body.to === undefined && body.recipient !== undefined) {
    const recipient = body.recipient;
    if (!isStr(recipient) || !BSUID.test(recipient)) {
      throw bad(`Invalid 'recipient' parameter: "${String(recipient)}" is not a business-scoped user id.`);
    }
    return { to: recipient, waId: recipient, recipientKind: 'user' };
  }
  const to = body.to;
  if (to === undefined) throw requiredParam('to');
  if (!isStr(to)) throw bad("Param 'to' must be a string.");
  if (BSUID.test(to)) {
    throw bad(`Invalid 'to' parameter: "${to}" is a business-scoped user id; send it in 'recipient'.`);
  }
  const waId = to.replace(/[\s+\-().]/g, '');
  if (!/^\d{5,20}$/.test(waId)) {
    throw bad(`Invalid 'to' parameter: "${to}" is not a valid phone number.`);
  }
  return { to, waId, recipientKind: 'phone' };
}

/** Validates a `POST /{phone-number-id}/messages` body like the Cloud API; throws the 100 error. */
export function validateWhatsAppSend(body: unknown): WhatsAppSend {
  if (!isObj(body)) throw requiredParam('messaging_product');
  const product = body.messaging_product;
  if (product === undefined) throw requiredParam('messaging_product');
  if (product !== 'whatsapp') {
    throw bad(`Param messaging_product must be one of {WHATSAPP} - got "${String(product)}".`);
  }
  if (body.status !== undefined) {
    if (body.status !== 'read')
      throw bad(`Param status must be one of {READ} - got "${String(body.status)}".`);
    if (!isStr(body.message_id) || body.message_id === '') throw requiredParam('message_id');
    return { kind: 'read', messageId: body.message_id };
  }
  const { to, waId, recipientKind } = recipientOf(body);
  // `type` is optional and defaults to text (Cloud API Messages reference).
  const type = body.type === undefined ? 'text' : body.type;
  if (!isStr(type) || !TYPES.has(type)) {
    throw bad(`Param type must be one of ${TYPE_LIST} - got "${String(type)}".`);
  }
  if (body.context !== undefined) {
    if (!isObj(body.context) || !isStr(body.context.message_id) || body.context.message_id === '') {
      throw bad("Param context['message_id'] must be a non-empty string.");
    }
  }
  if (body.biz_opaque_callback_data !== undefined) {
    if (!isStr(body.biz_opaque_callback_data) || body.biz_opaque_callback_data.length > 512) {
      throw bad('Param biz_opaque_callback_data must be a string of at most 512 characters.');
    }
  }
  const payload = body[type];
  if (payload === undefined) throw bad(`Param ${type} is required for messages of type ${type}.`);
  if (type === 'contacts' ? !Array.isArray(payload) : !isObj(payload)) {
    throw bad(`Param ${type} must be ${type === 'contacts' ? 'an array' : 'an object'}.`);
  }
  const send: WhatsAppSend = { kind: 'message', type, input: to, waId, recipientKind };
  if (type === 'text') validateText(payload as Obj);
  else if (MEDIA.has(type)) validateMedia(type, payload as Obj);
  else if (type === 'location') validateLocation(payload as Obj);
  else if (type === 'contacts') validateContacts(payload as unknown[]);
  else if (type === 'interactive') validateInteractive(payload as Obj);
  else if (type === 'template') send.template = validateTemplate(payload as Obj);
  else validateReaction(payload as Obj);
  return send;
}

function validateText(text: Obj): void {
  if (!isStr(text.body) || text.body === '') throw bad("Param text['body'] is required.");
  if (text.body.length > 4096) throw bad("Param text['body'] must be at most 4096 characters long.");
  if (text.preview_url !== undefined && typeof text.preview_url !== 'boolean') {
    throw bad("Param text['preview_url'] must be a boolean.");
  }
}

function validateMedia(type: string, media: Obj): void {
  const hasId = media.id !== undefined;
  const hasLink = media.link !== undefined;
  if (hasId === hasLink) throw bad(`Param ${type} must contain exactly one of id or link.`);
  if (hasId && (!isStr(media.id) || media.id === ''))
    throw bad(`Param ${type}['id'] must be a non-empty string.`);
  if (hasLink && (!isStr(media.link) || !/^https?:\/\/\S+$/.test(media.link))) {
    throw bad(`Param ${type}['link'] must be a valid http(s) URL.`);
  }
  if (media.caption !== undefined) {
    if (!CAPTIONED.has(type)) throw bad(`Param ${type}['caption'] is not supported for ${type} messages.`);
    if (!isStr(media.caption) || media.caption.length > 1024) {
      throw bad(`Param ${type}['caption'] must be at most 1024 characters long.`);
    }
  }
  if (media.filename !== undefined && (type !== 'document' || !isStr(media.filename))) {
    throw bad(`Param ${type}['filename'] is only supported on documents.`);
  }
}

function validateLocation(location: Obj): void {
  for (const key of ['latitude', 'longitude'] as const) {
    const v = location[key];
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) throw bad(`Param location['${key}'] is required.`);
  }
}

function validateContacts(contacts: unknown[]): void {
  if (contacts.length === 0) throw bad('Param contacts must contain at least one contact.');
  contacts.forEach((c, i) => {
    if (!isObj(c) || !isObj(c.name) || !isStr(c.name.formatted_name) || c.name.formatted_name === '') {
      throw bad(`Param contacts[${i}]['name']['formatted_name'] is required.`);
    }
  });
}

function validateTemplate(template: Obj): { name: string; language: string } {
  if (!isStr(template.name) || template.name === '') throw bad("Param template['name'] is required.");
  const language = template.language;
  if (!isObj(language) || !isStr(language.code) || language.code === '') {
    throw bad("Param template['language']['code'] is required.");
  }
  if (template.components !== undefined && !Array.isArray(template.components)) {
    throw bad("Param template['components'] must be an array.");
  }
  return { name: template.name, language: language.code };
}

function validateReaction(reaction: Obj): void {
  if (!isStr(reaction.message_id) || reaction.message_id === '') {
    throw bad("Param reaction['message_id'] is required.");
  }
  // An empty emoji removes the reaction, so only the type is checked.
  if (!isStr(reaction.emoji)) throw bad("Param reaction['emoji'] is required.");
}

function validateInteractive(interactive: Obj): void {
  const kind = interactive.type;
  const known = ['button', 'list', 'cta_url', 'product', 'product_list', 'flow', 'location_request_message'];
  if (!isStr(kind) || !known.includes(kind)) {
    throw bad(
      `Param interactive['type'] must be one of {BUTTON, CTA_URL, FLOW, LIST, LOCATION_REQUEST_MESSAGE, PRODUCT, PRODUCT_LIST} - got "${String(kind)}".`,
    );
  }
  const action = interactive.action;
  if (!isObj(action)) throw bad("Param interactive['action'] is required.");
  if (kind === 'button' || kind === 'list' || kind === 'cta_url') {
    const body = interactive.body;
    if (!isObj(body) || !isStr(body.text) || body.text === '')
      throw bad("Param interactive['body']['text'] is required.");
    if (body.text.length > 1024)
      throw bad("Param interactive['body']['text'] must be at most 1024 characters long.");
  }
  if (interactive.footer !== undefined) {
    const footer = interactive.footer;
    if (!isObj(footer) || !isStr(footer.text) || footer.text.length > 60) {
      throw bad("Param interactive['footer']['text'] must be a string of at most 60 characters.");
    }
  }
  if (interactive.header !== undefined) validateHeader(interactive.header);
  if (kind === 'button') validateButtons(action);
  else if (kind === 'list') validateList(action);
  else if (kind === 'cta_url') validateCtaUrl(action);
}

function validateHeader(header: unknown): void {
  if (!isObj(header) || !isStr(header.type)) throw bad("Param interactive['header']['type'] is required.");
  if (header.type === 'text') {
    if (!isStr(header.text) || header.text === '' || header.text.length > 60) {
      throw bad("Param interactive['header']['text'] must be 1 to 60 characters long.");
    }
  } else if (['image', 'video', 'document'].includes(header.type)) {
    const media = header[header.type];
    if (!isObj(media)) throw bad(`Param interactive['header']['${header.type}'] is required.`);
    validateMedia(header.type, media);
  } else {
    throw bad(`Param interactive['header']['type'] must be one of {DOCUMENT, IMAGE, TEXT, VIDEO}.`);
  }
}

function validateButtons(action: Obj): void {
  const buttons = action.buttons;
  if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) {
    throw bad("Param interactive['action']['buttons'] must contain 1 to 3 buttons.");
  }
  const ids = new Set<string>();
  const titles = new Set<string>();
  buttons.forEach((b, i) => {
    const where = `interactive['action']['buttons'][${i}]`;
    if (!isObj(b) || b.type !== 'reply' || !isObj(b.reply))
      throw bad(`Param ${where} must be {type: "reply", reply}.`);
    const { id, title } = b.reply;
    if (!isStr(id) || id === '' || id.length > 256)
      throw bad(`Param ${where}['reply']['id'] must be 1 to 256 characters long.`);
    if (!isStr(title) || title === '' || title.length > 20) {
      throw bad(`Param ${where}['reply']['title'] must be 1 to 20 characters long.`);
    }
    if (ids.has(id) || titles.has(title)) throw bad('Buttons must have unique ids and titles.');
    ids.add(id);
    titles.add(title);
  });
}

function validateList(action: Obj): void {
  if (!isStr(action.button) || action.button === '' || action.button.length > 20) {
    throw bad("Param interactive['action']['button'] must be 1 to 20 characters long.");
  }
  const sections = action.sections;
  if (!Array.isArray(sections) || sections.length < 1 || sections.length > 10) {
    throw bad("Param interactive['action']['sections'] must contain 1 to 10 sections.");
  }
  let rows = 0;
  sections.forEach((s, i) => {
    const where = `interactive['action']['sections'][${i}]`;
    if (!isObj(s) || !Array.isArray(s.rows) || s.rows.length === 0)
      throw bad(`Param ${where}['rows'] is required.`);
    if (sections.length > 1 && (!isStr(s.title) || s.title === '')) {
      throw bad(`Param ${where}['title'] is required when there is more than one section.`);
    }
    if (s.title !== undefined && (!isStr(s.title) || s.title.length > 24)) {
      throw bad(`Param ${where}['title'] must be at most 24 characters long.`);
    }
    s.rows.forEach((r: unknown, j: number) => {
      const rw = `${where}['rows'][${j}]`;
      if (!isObj(r)) throw bad(`Param ${rw} must be an object.`);
      if (!isStr(r.id) || r.id === '' || r.id.length > 200)
        throw bad(`Param ${rw}['id'] must be 1 to 200 characters long.`);
      if (!isStr(r.title) || r.title === '' || r.title.length > 24) {
        throw bad(`Param ${rw}['title'] must be 1 to 24 characters long.`);
      }
      if (r.description !== undefined && (!isStr(r.description) || r.description.length > 72)) {
        throw bad(`Param ${rw}['description'] must be at most 72 characters long.`);
      }
    });
    rows += s.rows.length;
  });
  if (rows > 10) throw bad('A list message can have at most 10 rows in total.');
}

function validateCtaUrl(action: Obj): void {
  if (action.name !== 'cta_url') throw bad(`Param interactive['action']['name'] must be "cta_url".`);
  const p = action.parameters;
  if (!isObj(p)) throw bad("Param interactive['action']['parameters'] is required.");
  if (!isStr(p.display_text) || p.display_text === '' || p.display_text.length > 20) {
    throw bad("Param interactive['action']['parameters']['display_text'] must be 1 to 20 characters long.");
  }
  if (!isStr(p.url) || !/^https?:\/\/\S+$/.test(p.url)) {
    throw bad("Param interactive['action']['parameters']['url'] must be a valid http(s) URL.");
  }
}
