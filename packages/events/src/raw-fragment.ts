import { z } from 'zod';

/** Key names that hold credentials in Meta payloads (the Business Extension webhook delivers a token). */
const SECRET_KEYS = new Set(['access_token']);
/** Meta payloads nest a handful of levels; anything deeper than this is not a webhook fragment. */
const MAX_DEPTH = 64;

function findSecretPath(value: unknown, path: PropertyKey[], depth: number): PropertyKey[] | undefined {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findSecretPath(item, [...path, index], depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    if (SECRET_KEYS.has(key)) return [...path, key];
    const found = findSecretPath(item, [...path, key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * The original Meta fragment, kept for replay and audit. It must be present (`null` is a value, a
 * missing key is a producer bug) and must not carry a credential: Kafka topics are read by every
 * downstream system, so a token here would leak to all of them.
 */
export const RawFragmentSchema = z.unknown().superRefine((raw, ctx) => {
  if (raw === undefined) {
    ctx.addIssue({ code: 'custom', message: 'raw is required (the original Meta fragment)' });
    return;
  }
  const secretPath = findSecretPath(raw, [], 0);
  if (secretPath) {
    ctx.addIssue({
      code: 'custom',
      message: 'raw must not contain credentials; strip them before publishing',
      path: secretPath,
    });
  }
});
