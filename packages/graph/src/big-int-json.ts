/**
 * Instagram's token exchange answers `"user_id": 27640875392278831` — a JSON number above 2^53 that
 * `JSON.parse` silently rounds (to …832), which would route webhooks to the wrong account
 * (/tmp/meta-fixtures/graph-responses.json, instagram_short_lived_token_observed). This reviver uses
 * the JSON.parse source-text access (ES2025, V8 ≥ 11.4 / Node ≥ 21) to keep every integer beyond
 * Number.MAX_SAFE_INTEGER as its exact decimal string. Small numbers stay numbers.
 */
export function keepBigIntegersAsStrings(
  this: unknown,
  _key: string,
  value: unknown,
  context?: { source?: string },
): unknown {
  if (typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined) {
    if (/^-?\d+$/.test(context.source)) return context.source;
  }
  return value;
}
