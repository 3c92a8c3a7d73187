import type { GraphError } from './graph-error.ts';
import { invalidParam, requiredParam, type Surface } from './meta-errors.ts';

// Messenger Send API and Instagram Login messaging share one request shape. Limits: Messenger text
// 2000 characters (Send API reference), Instagram text 1000 bytes UTF-8 (Instagram messaging docs),
// quick_replies at most 13 with 20-character titles and 1000-character payloads, metadata 1000.
// Hand-written: this runs on every send at benchmark rates.

export type MessagingSend =
  | { kind: 'message'; recipientId: string }
  | { kind: 'sender_action'; recipientId: string; action: string };

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

const MESSAGING_TYPES = new Set(['RESPONSE', 'UPDATE', 'MESSAGE_TAG']);
const MESSENGER_TAGS = new Set([
  'CONFIRMED_EVENT_UPDATE',
  'POST_PURCHASE_UPDATE',
  'ACCOUNT_UPDATE',
  'HUMAN_AGENT',
  'CUSTOMER_FEEDBACK',
]);
const SENDER_ACTIONS: Record<Surface, Set<string>> = {
  facebook: new Set(['typing_on', 'typing_off', 'mark_seen']),
  instagram: new Set(['typing_on', 'typing_off', 'mark_seen', 'react', 'unreact']),
};
const ATTACHMENT_TYPES: Record<Surface, Set<string>> = {
  facebook: new Set(['image', 'audio', 'video', 'file', 'template']),
  instagram: new Set(['image', 'audio', 'video', 'file', 'like_heart', 'MEDIA_SHARE', 'template']),
};

/**
 * Graph accepts nested parameters as JSON strings too (form-encoded calls send
 * `recipient={"id":"…"}`), so a string that looks like an object is parsed.
 */
function objectParam(v: unknown): unknown {
  if (isStr(v) && v.startsWith('{')) {
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }
  return v;
}

/** Validates a Messenger (`facebook`) or Instagram (`instagram`) send; throws Meta's 100 error. */
export function validateMessagingSend(raw: unknown, surface: Surface): MessagingSend {
  const bad = (message: string): GraphError => invalidParam(message, surface);
  if (!isObj(raw)) throw requiredParam('recipient', surface);
  const recipient = objectParam(raw.recipient);
  if (recipient === undefined) throw requiredParam('recipient', surface);
  const recipientId = recipientIdOf(recipient, surface);
  if (recipientId === undefined) throw bad('Param recipient[id] must be a valid ID string (e.g., "123")');

  const message = objectParam(raw.message);
  const action = raw.sender_action;
  if (message !== undefined && action !== undefined) {
    throw bad('Requests with sender_action cannot contain message');
  }
  if (message === undefined && action === undefined) throw bad('Must send either message or sender_action');

  if (action !== undefined) {
    if (!isStr(action) || !SENDER_ACTIONS[surface].has(action)) {
      throw bad(
        `Param sender_action must be one of {${[...SENDER_ACTIONS[surface]].join(', ')}} - got "${String(action)}"`,
      );
    }
    if (action === 'react' || action === 'unreact') {
      const payload = objectParam(raw.payload);
      if (!isObj(payload) || !isStr(payload.message_id)) throw bad('Param payload[message_id] is required');
      if (action === 'react' && !isStr(payload.reaction)) throw bad('Param payload[reaction] is required');
    }
    return { kind: 'sender_action', recipientId, action };
  }

  validateMessagingType(raw, surface);
  if (!isObj(message)) throw bad('Param message must be an object');
  validateMessage(message, surface);
  return { kind: 'message', recipientId };
}

function recipientIdOf(recipient: unknown, surface: Surface): string | undefined {
  if (!isObj(recipient)) return undefined;
  const keys = surface === 'facebook' ? ['id', 'user_ref', 'comment_id', 'post_id'] : ['id', 'comment_id'];
  for (const key of keys) {
    const v = recipient[key];
    if (isStr(v) && v !== '') return v;
    if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  }
  return undefined;
}

function validateMessagingType(raw: Obj, surface: Surface): void {
  const bad = (message: string): GraphError => invalidParam(message, surface);
  const type = raw.messaging_type;
  // Messenger requires messaging_type on every message (since Send API v2.11 policy); Instagram
  // only uses it for the HUMAN_AGENT tag.
  if (type === undefined) {
    if (surface === 'facebook') throw requiredParam('messaging_type', surface);
    return;
  }
  if (!isStr(type) || !MESSAGING_TYPES.has(type)) {
    throw bad(`Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG} - got "${String(type)}"`);
  }
  if (type === 'MESSAGE_TAG') {
    const tags = surface === 'facebook' ? MESSENGER_TAGS : new Set(['HUMAN_AGENT']);
    if (raw.tag === undefined) throw requiredParam('tag', surface);
    if (!isStr(raw.tag) || !tags.has(raw.tag)) {
      throw bad(`Param tag must be one of {${[...tags].join(', ')}} - got "${String(raw.tag)}"`);
    }
  }
}

function validateMessage(message: Obj, surface: Surface): void {
  const bad = (text: string): GraphError => invalidParam(text, surface);
  const hasText = message.text !== undefined;
  const hasAttachment = message.attachment !== undefined;
  const hasAttachments = surface === 'instagram' && message.attachments !== undefined;
  if (Number(hasText) + Number(hasAttachment) + Number(hasAttachments) !== 1) {
    throw bad('Param message must contain exactly one of text or attachment');
  }
  if (hasText) {
    const text = message.text;
    if (!isStr(text) || text === '')
      throw bad('Param message[text] must be a non-empty UTF-8 encoded string');
    if (surface === 'facebook') {
      // Characters, not UTF-16 units: count code points only when the cheap check is inconclusive.
      if (text.length > 2000 && [...text].length > 2000) {
        throw bad('Length of param message[text] must be less than or equal to 2000');
      }
    } else if (text.length > 250 && Buffer.byteLength(text, 'utf8') > 1000) {
      // 1000 BYTES of UTF-8 on Instagram: 334 three-byte characters are already too many.
      throw bad('Length of param message[text] must be less than or equal to 1000 bytes');
    }
  }
  if (hasAttachment) validateAttachment(message.attachment, 'message[attachment]', surface);
  if (hasAttachments) {
    const list = message.attachments;
    if (!Array.isArray(list) || list.length === 0 || list.length > 10) {
      throw bad('Param message[attachments] must contain 1 to 10 attachments');
    }
    list.forEach((a, i) => {
      validateAttachment(a, `message[attachments][${i}]`, surface);
    });
  }
  if (message.quick_replies !== undefined) validateQuickReplies(message.quick_replies, surface);
  if (message.metadata !== undefined && (!isStr(message.metadata) || message.metadata.length > 1000)) {
    throw bad('Length of param message[metadata] must be less than or equal to 1000');
  }
}

function validateAttachment(attachment: unknown, where: string, surface: Surface): void {
  const bad = (text: string): GraphError => invalidParam(text, surface);
  if (!isObj(attachment)) throw bad(`Param ${where} must be an object`);
  const type = attachment.type;
  if (!isStr(type) || !ATTACHMENT_TYPES[surface].has(type)) {
    throw bad(`Param ${where}[type] must be one of {${[...ATTACHMENT_TYPES[surface]].join(', ')}}`);
  }
  if (type === 'like_heart') return;
  const payload = attachment.payload;
  if (!isObj(payload)) throw bad(`Param ${where}[payload] is required`);
  if (type === 'template') {
    if (!isStr(payload.template_type)) throw bad(`Param ${where}[payload][template_type] is required`);
    return;
  }
  if (type === 'MEDIA_SHARE') {
    if (!isStr(payload.id)) throw bad(`Param ${where}[payload][id] is required`);
    return;
  }
  const hasUrl = isStr(payload.url) && /^https?:\/\/\S+$/.test(payload.url);
  const hasId = isStr(payload.attachment_id) && payload.attachment_id !== '';
  if (hasUrl === hasId) throw bad(`Param ${where}[payload] must contain exactly one of url or attachment_id`);
}

function validateQuickReplies(quickReplies: unknown, surface: Surface): void {
  const bad = (text: string): GraphError => invalidParam(text, surface);
  if (!Array.isArray(quickReplies) || quickReplies.length === 0) {
    throw bad('Param message[quick_replies] must be a non-empty array');
  }
  if (quickReplies.length > 13) throw bad('param message[quick_replies] must have at most 13 elements');
  const types = surface === 'facebook' ? ['text', 'user_phone_number', 'user_email'] : ['text'];
  quickReplies.forEach((q, i) => {
    const where = `message[quick_replies][${i}]`;
    if (!isObj(q) || !isStr(q.content_type) || !types.includes(q.content_type)) {
      throw bad(`Param ${where}[content_type] must be one of {${types.join(', ')}}`);
    }
    if (q.content_type !== 'text') return;
    if (!isStr(q.title) || q.title === '' || q.title.length > 20) {
      throw bad(`Param ${where}[title] must be 1 to 20 characters long`);
    }
    if (!isStr(q.payload) && typeof q.payload !== 'number') throw bad(`Param ${where}[payload] is required`);
    if (String(q.payload).length > 1000) throw bad(`Length of param ${where}[payload] must be at most 1000`);
  });
}
