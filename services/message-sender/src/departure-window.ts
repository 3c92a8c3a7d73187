/**
 * At most `limit` departures in any 1000 ms, counted on the instants calls actually left.
 *
 * The token bucket books evenly spaced slots, but a slot is only as punctual as the timer that
 * waits for it: when the event loop is busy (start-up, a GC pause), several timers fire together
 * and their calls reach Meta bunched, so one second can carry more than the limit even though the
 * bookings never did (bench:send saw 130429s at start-up for exactly this reason). This ring of the
 * last `limit` departure instants is the second check, made right before the call.
 */
export class DepartureWindow {
  readonly #ring: Float64Array;
  #next = 0;
  #count = 0;

  constructor(limit: number) {
    this.#ring = new Float64Array(Math.max(1, Math.floor(limit)));
  }

  /** Milliseconds until one more departure keeps every 1000 ms window within the limit. */
  waitMs(now: number): number {
    if (this.#count < this.#ring.length) return 0;
    // The oldest of the last `limit` departures must be at least 1000 ms ago.
    const oldest = this.#ring[this.#next] ?? 0;
    return Math.max(0, Math.ceil(oldest + 1000 - now));
  }

  record(now: number): void {
    this.#ring[this.#next] = now;
    this.#next = (this.#next + 1) % this.#ring.length;
    if (this.#count < this.#ring.length) this.#count += 1;
  }
}
