/**
 * Scrubbing of secrets from anything about to be logged. Three nets, because one is never enough:
 * 1. keys that name a secret (token, secret, authorization, signature, …) have their value replaced;
 * 2. strings are scanned for token shapes (Bearer …, access_token=…, sha256=<hex>, Meta's EAA…/IG…
 *    tokens) wherever they occur, including error messages and stacks;
 * 3. exact values registered with `addSecret` (app secret, verify token, every decrypted token) are
 *    replaced wherever they appear.
 */
export const REDACTED = '[REDACTED]';

const SECRET_KEY =
  /(token|secret|password|passwd|authorization|signature|api[-_]?key|appsecret_proof|cookie|ciphertext)/i;
// Metadata about a secret is useful and harmless: its last four characters, type, expiry, key id.
const HARMLESS_KEY = /(last4|type|expires|expiry|_at$|At$|key_?id$|KeyId$|count|needs_?reauth|rotated)/i;

const STRING_PATTERNS: [RegExp, string][] = [
  [/\bBearer\s+[A-Za-z0-9._~+/=-]{6,}/gi, `Bearer ${REDACTED}`],
  [/\bOAuth\s+[A-Za-z0-9._~+/=-]{20,}/g, `OAuth ${REDACTED}`],
  [
    /((?:access_token|client_secret|appsecret_proof|fb_exchange_token|input_token|code|verify_token)=)[^&\s"']+/gi,
    `$1${REDACTED}`,
  ],
  [/(hub\.verify_token=)[^&\s"']+/gi, `$1${REDACTED}`],
  [/sha256=[0-9a-f]{16,}/gi, `sha256=${REDACTED}`],
  // Meta user/page/system-user tokens start with EAA; Instagram Login tokens with IG.
  [/\bEAA[A-Za-z0-9]{20,}/g, REDACTED],
  [/\bIG[A-Z]{2}[A-Za-z0-9_-]{20,}/g, REDACTED],
];

export interface Redactor {
  /** Registers an exact secret value to be scrubbed wherever it appears. Short values are ignored. */
  addSecret(value: string | undefined | null): void;
  scrubString(value: string): string;
  scrub(value: unknown): unknown;
}

const MIN_SECRET_LENGTH = 6;
const MAX_DEPTH = 10;

export function createRedactor(initialSecrets: readonly (string | undefined | null)[] = []): Redactor {
  const secrets = new Set<string>();

  function addSecret(value: string | undefined | null): void {
    if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) secrets.add(value);
  }

  function scrubString(value: string): string {
    let out = value;
    for (const s of secrets) {
      if (out.includes(s)) out = out.split(s).join(REDACTED);
    }
    for (const [re, replacement] of STRING_PATTERNS) out = out.replace(re, replacement);
    return out;
  }

  function walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
    if (typeof value === 'string') return scrubString(value);
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[Circular]';
    if (depth > MAX_DEPTH) return '[Truncated]';
    seen.add(value);
    if (Buffer.isBuffer(value) || ArrayBuffer.isView(value))
      return `[${value.constructor.name} ${value.byteLength} bytes]`;
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1, seen));
    if (value instanceof Error) return walk(errorToObject(value), depth, seen);
    if (value instanceof Date) return value.toISOString();
    if (value instanceof Map) return walk(Object.fromEntries(value), depth, seen);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] =
        SECRET_KEY.test(k) && !HARMLESS_KEY.test(k) && v !== null && v !== undefined && v !== ''
          ? REDACTED
          : walk(v, depth + 1, seen);
    }
    return out;
  }

  for (const s of initialSecrets) addSecret(s);
  return { addSecret, scrubString, scrub: (v) => walk(v, 0, new WeakSet()) };
}

/** Plain object form of an error, keeping its own fields (code, status, …) and its cause chain. */
export function errorToObject(err: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { type: err.name, message: err.message, stack: err.stack };
  // Own fields that describe the error (code, status, subcode, fbtrace id, …); object-valued ones
  // are skipped: libraries hang whole clients and sockets off their errors (pg attaches `client`).
  for (const [k, v] of Object.entries(err)) {
    if (!(k in out) && (v === null || typeof v !== 'object' || Array.isArray(v) || isPlainData(v)))
      out[k] = v;
  }
  if (err.cause !== undefined) out.cause = err.cause instanceof Error ? errorToObject(err.cause) : err.cause;
  if (err instanceof AggregateError)
    out.errors = err.errors.map((e) => (e instanceof Error ? errorToObject(e) : e));
  return out;
}

/** A small plain object (a Meta error_data, a zod issue), not a client, socket or stream. */
function isPlainData(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && Object.keys(v).length <= 20;
}
