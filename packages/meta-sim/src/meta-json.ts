/**
 * JSON exactly as Meta serializes webhook bodies: every non-ASCII UTF-16 unit escaped as
 * `\uXXXX` with lowercase hex (so emoji become surrogate pairs) and `/` escaped as `\/`.
 * Meta signs these bytes; a receiver that re-serializes gets another signature. Sources: Messenger
 * webhooks docs "Validate payloads" (escaped unicode, lowercase hex), whatsapp-api-js issues #290
 * and #380 ("/" arrives as "\/"), and fixtures/signature-example.json.
 */
export function metaJsonStringify(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('value is not JSON-serializable');
  // Outside strings JSON has only ASCII punctuation, digits and literals, so escaping every
  // occurrence is the same as escaping inside strings. Without the `u` flag the regex sees
  // UTF-16 code units, which is what turns an emoji into its surrogate pair.
  return json.replace(NON_ASCII_OR_SLASH, escapeUnit);
}

const NON_ASCII_OR_SLASH = /[\u0080-\uffff/]/g;

function escapeUnit(unit: string): string {
  if (unit === '/') return '\\/';
  return `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
