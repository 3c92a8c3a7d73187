import { GraphError } from './errors.ts';

/**
 * Reading Graph's success bodies. Meta adds fields freely, so only what we use is checked; a body
 * missing it is a GraphError that is NOT retryable, because the call may well have taken effect.
 */

export function unexpected(endpoint: string, what: string): GraphError {
  return new GraphError({
    message: `Graph answered ${endpoint} without ${what}`,
    errorCode: 'GRAPH_UNEXPECTED_RESPONSE',
    category: 'unknown',
    retryable: false,
    endpoint,
  });
}

export type JsonObject = Record<string, unknown>;

export function asObject(value: unknown, endpoint: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw unexpected(endpoint, 'a JSON object');
  return value as JsonObject;
}

export function requiredString(obj: JsonObject, key: string, endpoint: string): string {
  const value = obj[key];
  if (typeof value === 'string' && value !== '') return value;
  // Graph ids are strings; a few endpoints (webhooks, IG token exchange) send numbers.
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  throw unexpected(endpoint, `"${key}"`);
}

export function optionalString(obj: JsonObject, key: string): string | undefined {
  const value = obj[key];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

export function optionalNumber(obj: JsonObject, key: string): number | undefined {
  const value = obj[key];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

export function objects(value: unknown): JsonObject[] {
  return Array.isArray(value)
    ? value.filter((v): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v))
    : [];
}

/** `{success:true}` answers (mark read, subscribed_apps, FBE updates). */
export function requireSuccess(value: unknown, endpoint: string): void {
  if (asObject(value, endpoint).success !== true) throw unexpected(endpoint, '"success": true');
}
