import type { RateKey, RateLimits } from '../rate-limits.ts';
import { sleep } from './waits.ts';

/**
 * Waits for this call's turn: the pair rate first (this recipient only), then the account's pace.
 * Called after the database write and immediately before the call, so the calls leave at the
 * paced instants instead of bunching behind PostgreSQL round trips.
 */
export async function pace(limits: RateLimits, rateKey: RateKey, signal: AbortSignal): Promise<void> {
  await sleep(limits.reservePair(rateKey), signal);
  await sleep(limits.reserveAccount(rateKey), signal);
  // Timers fire late when the event loop is busy and then release calls together: the departure
  // window holds them back so no second carries more than the limit.
  for (let wait = limits.departAccount(rateKey); wait > 0; wait = limits.departAccount(rateKey)) {
    await sleep(wait, signal);
  }
}
