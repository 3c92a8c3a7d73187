import type { GraphError } from './graph-error.ts';
import { whatsappInvalidParam } from './meta-errors.ts';

// The content objects of a WhatsApp send (text, media, location, contacts, template, reaction),
// checked as validate-whatsapp.ts describes; shared helpers for validate-whatsapp-interactive.ts.

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isStr = (v: unknown): v is string => typeof v === 'string';
export const bad = (details: string): GraphError => whatsappInvalidParam(details);

const CAPTIONED = new Set(['image', 'video', 'document']);

export function validateText(text: Obj): void {
  if (!isStr(text.body) || text.body === '') throw bad("Param text['body'] is required.");
  if (text.body.length > 4096) throw bad("Param text['body'] must be at most 4096 characters long.");
  if (text.preview_url !== undefined && typeof text.preview_url !== 'boolean') {
    throw bad("Param text['preview_url'] must be a boolean.");
  }
}

export function validateMedia(type: string, media: Obj): void {
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

export function validateLocation(location: Obj): void {
  for (const key of ['latitude', 'longitude'] as const) {
    const v = location[key];
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) throw bad(`Param location['${key}'] is required.`);
  }
}

export function validateContacts(contacts: unknown[]): void {
  if (contacts.length === 0) throw bad('Param contacts must contain at least one contact.');
  contacts.forEach((c, i) => {
    if (!isObj(c) || !isObj(c.name) || !isStr(c.name.formatted_name) || c.name.formatted_name === '') {
      throw bad(`Param contacts[${i}]['name']['formatted_name'] is required.`);
    }
  });
}

export function validateTemplate(template: Obj): { name: string; language: string } {
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

export function validateReaction(reaction: Obj): void {
  if (!isStr(reaction.message_id) || reaction.message_id === '') {
    throw bad("Param reaction['message_id'] is required.");
  }
  // An empty emoji removes the reaction, so only the type is checked.
  if (!isStr(reaction.emoji)) throw bad("Param reaction['emoji'] is required.");
}
