/**
 * A token bucket that hands out reservations: `reserve()` takes a token now or books the next one
 * and says how long to wait for it. Callers that wait for their reservation are paced exactly at
 * the refill rate, so 80 msg/s configured means 80 sent per second, not 80 then a burst of errors.
 */
export class TokenBucket {
  readonly #capacity: number;
  readonly #intervalMs: number;
  readonly #now: () => number;
  /** GCRA's theoretical arrival time: the bucket is empty while now < tat - (capacity - 1) · interval. */
  #tat: number;

  constructor(options: { ratePerSecond: number; burst: number; now?: () => number }) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be > 0');
    this.#capacity = Math.max(1, Math.floor(options.burst));
    this.#intervalMs = 1000 / options.ratePerSecond;
    this.#now = options.now ?? Date.now;
    this.#tat = this.#now();
  }

  /**
   * Books one token; returns 0 when it is available now, else the milliseconds until it is. The
   * token is consumed either way (GCRA: the theoretical arrival time moves one interval on).
   */
  reserve(): number {
    const now = this.#now();
    const tat = Math.max(this.#tat, now);
    const wait = tat - now - (this.#capacity - 1) * this.#intervalMs;
    this.#tat = tat + this.#intervalMs;
    return Math.max(0, Math.ceil(wait));
  }

  /** Pushes availability back by `ms` (Meta told us we were too fast for this key). */
  penalize(ms: number): void {
    // Nothing may go for `ms` (the burst is emptied too), then the normal rate resumes. Not
    // additive: twenty sends refused at once by the same limit ask for one pause, not twenty.
    const until = this.#now() + ms + (this.#capacity - 1) * this.#intervalMs;
    this.#tat = Math.max(this.#tat, until);
  }
}
