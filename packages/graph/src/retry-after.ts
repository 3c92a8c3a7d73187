/**
 * How long Meta asks us to wait. RFC 9110 §10.2.3: `Retry-After` is either a number of seconds or an
 * HTTP-date. Meta rarely sends it on Graph; its business-use-case throttles (80002/80006/80007/…)
 * instead report `estimated_time_to_regain_access` in minutes in `X-Business-Use-Case-Usage`
 * (Graph API "Rate limiting" guide), used here when `Retry-After` is absent.
 */

/** A day: anything longer is a bogus header, not a plan. */
const MAX_WAIT_MS = 24 * 60 * 60 * 1000;

const DELTA_SECONDS = /^\d+$/;

export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (DELTA_SECONDS.test(raw)) return Math.min(Number(raw) * 1000, MAX_WAIT_MS);
  const at = Date.parse(raw);
  // Only the HTTP-date form (IMF-fixdate and its obsolete variants) carries "GMT".
  if (Number.isNaN(at) || !/GMT$/i.test(raw)) return undefined;
  return Math.min(Math.max(at - nowMs, 0), MAX_WAIT_MS);
}

/**
 * `X-Business-Use-Case-Usage: {"<business id>":[{"type":"whatsapp","call_count":100,…,
 * "estimated_time_to_regain_access":5}]}` → the longest wait it announces, in ms.
 */
export function parseBusinessUseCaseWait(value: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  let minutes = 0;
  for (const usages of Object.values(parsed)) {
    if (!Array.isArray(usages)) continue;
    for (const usage of usages) {
      const eta = (usage as { estimated_time_to_regain_access?: unknown } | null)
        ?.estimated_time_to_regain_access;
      if (typeof eta === 'number' && Number.isFinite(eta) && eta > minutes) minutes = eta;
    }
  }
  return minutes > 0 ? Math.min(minutes * 60_000, MAX_WAIT_MS) : undefined;
}
