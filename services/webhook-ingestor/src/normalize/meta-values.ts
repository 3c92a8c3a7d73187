import { createHash } from 'node:crypto';
import type { MetaError } from '@omnistream/events';

/**
 * Cheap readers for values inside a parsed Meta webhook. Webhook bodies are untrusted JSON, so every
 * read checks the type it needs instead of trusting Meta's documented shape (which drifts: numbers
 * where strings are documented, keys that appear or vanish between API versions).
 */

export type JsonObject = Record<string, unknown>;

const NONE: readonly unknown[] = Object.freeze([]);
const NO_WHITESPACE = /^\S+$/;
/** zod's `z.httpUrl()` hostname rule, so that a URL accepted here also passes the event schema. */
const DOMAIN = /^(?=.{1,253}$)([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$/;
/** 9999-12-31T23:59:59.999Z: later dates serialize as `+010000-…`, which is not ISO 8601 as published. */
const MAX_ISO_MS = 253_402_300_799_999;
/**
 * Meta mixes units: WhatsApp timestamps and `entry.time` of WhatsApp / FBE / dashboard test webhooks
 * are seconds (strings or numbers), Instagram and Messenger `timestamp`s are milliseconds (test/fixtures/SOURCES.md).
 * 1e11 is 1973 in milliseconds and the year 5138 in seconds, so anything below it is seconds.
 */
const SECONDS_BELOW = 1e11;

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value when it is an object, else undefined (`null` included: Meta sends `payload: null`). */
export function recordOf(value: unknown): JsonObject | undefined {
  return isRecord(value) ? value : undefined;
}

export function arrayOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : NONE;
}

export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function nonEmptyStringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function booleanOf(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/**
 * A Meta id as the event schema wants it (non-empty, no whitespace). Graph ids are strings, but some
 * webhooks send them as JSON numbers (`message_template_id`, Messenger `app_id`, SOURCES.md).
 */
export function idOf(value: unknown): string | undefined {
  if (typeof value === 'string') return NO_WHITESPACE.test(value) ? value : undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return undefined;
}

/** Every usable id of an array, in order (ids Meta lists: `mids`, `pages`, …). */
export function idsOf(value: unknown): string[] {
  const ids: string[] = [];
  for (const item of arrayOf(value)) {
    const id = idOf(item);
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

/** An http(s) URL that `z.httpUrl()` accepts, else undefined (the fragment in `raw` keeps the original). */
export function httpUrlOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^https?:\/\//i.test(value)) return undefined;
  const url = URL.parse(value);
  return url !== null && DOMAIN.test(url.hostname) ? value : undefined;
}

/** Meta's `timestamp` / `time` (seconds or ms, number or numeric string) as ISO 8601, else undefined. */
export function isoFromMetaTime(value: unknown): string | undefined {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^\d{1,16}$/.test(value)) n = Number(value);
  else return undefined;
  if (!Number.isFinite(n) || n <= 0) return undefined;
  const ms = n < SECONDS_BELOW ? n * 1000 : n;
  return ms <= MAX_ISO_MS ? new Date(ms).toISOString() : undefined;
}

/** Integer epoch value (Messenger watermarks), else undefined. */
export function epochOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/**
 * Stable id for a fragment that carries no Meta id (`value.errors[]`, `account_update`, junk): Meta
 * redelivers the same bytes, `JSON.parse` keeps their key order, so a retry hashes the same.
 */
export function fragmentHash(fragment: unknown): string {
  const json = JSON.stringify(fragment) ?? 'undefined';
  return `sha256:${createHash('sha256').update(json, 'utf8').digest('hex').slice(0, 32)}`;
}

/**
 * Meta's `errors[]` (WhatsApp statuses, unsupported messages, `value.errors`) in the event shape.
 * `details` sits under `error_data.details` on the wire. Entries without an integer code are left to
 * `raw`: the schema's `code` is what consumers classify on.
 */
export function metaErrorsOf(value: unknown): MetaError[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const errors: MetaError[] = [];
  for (const item of value) {
    if (!isRecord(item) || !Number.isSafeInteger(item.code)) continue;
    const message = stringOf(item.message);
    errors.push({
      code: item.code as number,
      title: stringOf(item.title) ?? message ?? '',
      message,
      details: stringOf(recordOf(item.error_data)?.details),
    });
  }
  return errors.length > 0 ? errors : undefined;
}

/** A readable one-liner for a Meta error (`131000 Something went wrong: Unsupported webhook payload`). */
export function describeMetaError(error: unknown): string {
  const e = recordOf(error);
  if (e === undefined) return 'malformed error entry';
  const code = typeof e.code === 'number' || typeof e.code === 'string' ? String(e.code) : 'no code';
  const title = stringOf(e.title) ?? stringOf(e.message);
  const details = stringOf(recordOf(e.error_data)?.details);
  return `${code}${title ? ` ${title}` : ''}${details ? `: ${details}` : ''}`;
}
