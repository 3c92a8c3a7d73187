import type { Redactor } from '@omnistream/logger';

/**
 * Meta echoes tokens back in some error messages ("Invalid OAuth access token - Cannot parse access
 * token EAAB…") and paging URLs carry `access_token=…`: every string a GraphError keeps passes through
 * here, so an error can be logged or stored (DLQ, send results) without leaking a credential.
 * The shared redactor (when given) knows every registered secret; these patterns are the net that
 * works without one.
 */
const REDACTED = '[REDACTED]';

const PATTERNS: readonly [RegExp, string][] = [
  [/\bBearer\s+[A-Za-z0-9._~+/=|-]{6,}/gi, `Bearer ${REDACTED}`],
  [
    /\b((?:access_token|input_token|client_secret|appsecret_proof|fb_exchange_token|code)=)[^&\s"']+/gi,
    `$1${REDACTED}`,
  ],
  // Meta user, page and system-user tokens start with EAA; Instagram Login tokens with IG + 2 capitals.
  [/\bEAA[A-Za-z0-9]{20,}/g, REDACTED],
  [/\bIG[A-Z]{2}[A-Za-z0-9_-]{20,}/g, REDACTED],
  // App access tokens are `app-id|app-secret`.
  [/\b\d{6,}\|[A-Za-z0-9_-]{16,}/g, REDACTED],
];

export type Scrub = (text: string, secrets?: readonly (string | undefined)[]) => string;

export function createScrub(
  redactor: Redactor | undefined,
  configured: readonly (string | undefined)[] = [],
): Scrub {
  return (text, secrets = []) => {
    let out = text;
    for (const secret of [...secrets, ...configured]) {
      if (secret !== undefined && secret.length > 0 && out.includes(secret))
        out = out.split(secret).join(REDACTED);
    }
    if (redactor !== undefined) out = redactor.scrubString(out);
    for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
    return out;
  };
}
