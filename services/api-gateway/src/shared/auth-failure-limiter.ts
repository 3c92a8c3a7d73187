/**
 * Counts failed admin authentications per client address in a fixed one-minute window. Over the
 * limit, every request from that address is refused with 429 until the window ends, even one with
 * a valid key: guessing must not continue through the refusals.
 *
 * Written by hand rather than with @fastify/rate-limit because that plugin counts every request;
 * here only failures count, so a busy admin client is never slowed down.
 */
export interface AuthFailureLimiter {
  /** Seconds until the address may try again, or 0 when it is not blocked. */
  blockedFor(address: string): number;
  recordFailure(address: string): void;
}

export function createAuthFailureLimiter(options: {
  failuresPerMinute: number;
  now?: () => number;
  /** Addresses tracked at once; the oldest window is dropped beyond it (a flood of addresses cannot grow memory). */
  maxAddresses?: number;
}): AuthFailureLimiter {
  const now = options.now ?? Date.now;
  const maxAddresses = options.maxAddresses ?? 100_000;
  const windows = new Map<string, { count: number; endsAt: number }>();
  const WINDOW_MS = 60_000;

  const current = (address: string) => {
    const w = windows.get(address);
    if (w && w.endsAt <= now()) {
      windows.delete(address);
      return undefined;
    }
    return w;
  };

  return {
    blockedFor(address) {
      const w = current(address);
      if (!w || w.count < options.failuresPerMinute) return 0;
      return Math.max(1, Math.ceil((w.endsAt - now()) / 1000));
    },
    recordFailure(address) {
      const w = current(address);
      if (w) {
        w.count += 1;
        return;
      }
      if (windows.size >= maxAddresses) {
        const oldest = windows.keys().next().value;
        if (oldest !== undefined) windows.delete(oldest);
      }
      windows.set(address, { count: 1, endsAt: now() + WINDOW_MS });
    },
  };
}
