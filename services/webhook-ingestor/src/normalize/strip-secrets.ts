/**
 * Key names that carry credentials in Meta webhooks. The Business Extension install webhook delivers
 * an `access_token` (docs/meta-setup.md, "Facebook Business Extension"), and
 * the inbound event schema rejects one anywhere in `raw`: every downstream system reads the topic.
 */
const SECRET_KEYS = new Set(['access_token']);
const MAX_DEPTH = 64;

/**
 * The value without any credential key, at any depth. Copy-on-write: objects on the path to a secret
 * are shallow-copied, everything else is shared, and the value itself is never mutated, so the same
 * parsed body can still be spooled or logged (redacted) by the caller. Returns the value itself when
 * it holds no secret, which is the common case.
 */
export function stripSecrets<T>(value: T): T {
  return strip(value, 0) as T;
}

function strip(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const stripped = strip(item, depth + 1);
      if (stripped !== item) {
        copy ??= value.slice();
        copy[i] = stripped;
      }
    }
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    if (SECRET_KEYS.has(key)) {
      copy ??= { ...value };
      delete copy[key];
      continue;
    }
    const stripped = strip(item, depth + 1);
    if (stripped !== item) {
      copy ??= { ...value };
      copy[key] = stripped;
    }
  }
  return copy ?? value;
}
