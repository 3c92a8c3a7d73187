import { createHmac, timingSafeEqual } from 'node:crypto';

const HEADER_PATTERN = /^sha256=([0-9a-fA-F]{64})$/;

export type SignatureCheck = 'valid' | 'missing' | 'malformed' | 'mismatch';

/**
 * Checks `X-Hub-Signature-256: sha256=<hex>` against HMAC-SHA256 of the raw body under each
 * secret, in constant time. Meta signs the bytes it sends (an escaped-unicode JSON: `\u00e9`,
 * `\/`, surrogate-pair emoji), so the HMAC runs over the exact received bytes, never over
 * re-serialized JSON (docs/meta-platform.md, "Webhook verification").
 */
export function checkSignature(
  rawBody: Buffer,
  header: string | undefined,
  secrets: readonly string[],
): SignatureCheck {
  if (header === undefined || header === '') return 'missing';
  const match = HEADER_PATTERN.exec(header.trim());
  if (!match?.[1]) return 'malformed';
  const given = Buffer.from(match[1], 'hex');
  let valid = false;
  // Every secret is tried even after a match, so timing does not reveal which one matched.
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    if (timingSafeEqual(expected, given)) valid = true;
  }
  return valid ? 'valid' : 'mismatch';
}

/** Constant-time string equality for the verify token (lengths may differ). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHmac('sha256', 'verify-token-compare').update(a).digest();
  const hb = createHmac('sha256', 'verify-token-compare').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** The header value Meta would send for `body`; used by meta-sim, tests and benchmarks. */
export function signBody(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
