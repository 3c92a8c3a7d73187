import { requiredParam } from './meta-errors.ts';
import {
  bad,
  isObj,
  isStr,
  type Obj,
  validateContacts,
  validateLocation,
  validateMedia,
  validateReaction,
  validateTemplate,
  validateText,
} from './validate-whatsapp-content.ts';
import { validateInteractive } from './validate-whatsapp-interactive.ts';

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
