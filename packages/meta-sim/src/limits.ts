import type { SimClock } from './clock.ts';

/**
 * Meta's send throughput limits. `Infinity` (or `null` over HTTP) lifts a limit.
 * Sources: WhatsApp Cloud API "Throughput" (80 msg/s per business number by default, 130429) and
 * "Pair rate limits" (about 1 message per 6 s to the same user, short bursts allowed, 131056);
 * Messenger Platform rate limits (Send API 300 calls/s per Page, 613). Instagram: 300 calls/s per
 * account, answered with the same 613 here.
 */
export interface LimitSettings {
  /** WhatsApp messages per second per phone number id (130429). */
  whatsappPerSecond: number;
  /** WhatsApp pair rate: one token every `whatsappPairIntervalMs` per (number, recipient)… */
  whatsappPairIntervalMs: number;
  /** …with a bucket this deep, so a short burst passes (131056). Infinity lifts the pair limit. */
  whatsappPairBurst: number;
  /** Messenger Send API calls per second per Page (613). */
  messengerPerSecond: number;
  /** Instagram messaging calls per second per IG account (613). */
  instagramPerSecond: number;
}

export const defaultLimitSettings: LimitSettings = {
  whatsappPerSecond: 80,
  whatsappPairIntervalMs: 6_000,
  whatsappPairBurst: 3,
  messengerPerSecond: 300,
  instagramPerSecond: 300,
};

export type RateKind = 'whatsapp' | 'messenger' | 'instagram';

export interface Limits {
  get(): LimitSettings;
  /** Changes global settings; counters are kept. */
  set(settings: Partial<LimitSettings>): void;
  /** Per-account per-second override (e.g. a number upgraded to 1000 msg/s); Infinity lifts it. */
  setForAccount(accountId: string, perSecond: number | undefined): void;
  overrides(): Record<string, number>;
  /** Takes one call from the account's per-second window; false when the window is full. */
  takeAccount(kind: RateKind, accountId: string): boolean;
  /** Takes one message from the WhatsApp (number, recipient) bucket; false when it is empty. */
  takePair(phoneNumberId: string, to: string): boolean;
  /** Forgets every counter (settings stay). */
  resetCounters(): void;
  /** Back to the defaults, overrides and counters cleared. */
  reset(): void;
}

/**
 * Sliding one-second window per account: a ring of the last N accepted call times, so "N calls in
 * any 1000 ms" is exact and O(1) per call (the 81st call within a second fails, every time).
 */
class SlidingWindow {
  readonly size: number;
  readonly times: Float64Array;
  next = 0;
  filled = 0;
  constructor(size: number) {
    this.size = size;
    this.times = new Float64Array(size);
  }

  take(now: number): boolean {
    if (this.filled === this.size) {
      const oldest = this.times[this.next] ?? 0;
      if (now - oldest < 1000) return false;
    } else {
      this.filled++;
    }
    this.times[this.next] = now;
    this.next = (this.next + 1) % this.size;
    return true;
  }
}

interface Bucket {
  tokens: number;
  last: number;
}

// Pair buckets are per recipient; a benchmark to a million recipients must not keep a million.
const PAIR_SWEEP_THRESHOLD = 50_000;

export function createLimits(clock: SimClock, initial: Partial<LimitSettings> = {}): Limits {
  let settings: LimitSettings = { ...defaultLimitSettings, ...initial };
  const perAccount = new Map<string, number>();
  const windows = new Map<string, SlidingWindow>();
  const pairs = new Map<string, Bucket>();

  function perSecondFor(kind: RateKind, accountId: string): number {
    const override = perAccount.get(accountId);
    if (override !== undefined) return override;
    if (kind === 'whatsapp') return settings.whatsappPerSecond;
    return kind === 'messenger' ? settings.messengerPerSecond : settings.instagramPerSecond;
  }

  function refill(bucket: Bucket, now: number): void {
    const interval = settings.whatsappPairIntervalMs;
    const gained = interval <= 0 ? Infinity : (now - bucket.last) / interval;
    bucket.tokens = Math.min(settings.whatsappPairBurst, bucket.tokens + gained);
    bucket.last = now;
  }

  function sweepPairs(now: number): void {
    for (const [key, bucket] of pairs) {
      refill(bucket, now);
      if (bucket.tokens >= settings.whatsappPairBurst) pairs.delete(key);
    }
  }

  return {
    get: () => ({ ...settings }),
    set(next) {
      const changesWindow =
        next.whatsappPerSecond !== undefined ||
        next.messengerPerSecond !== undefined ||
        next.instagramPerSecond !== undefined;
      settings = { ...settings, ...next };
      // A window sized for the old limit cannot answer for the new one.
      if (changesWindow) windows.clear();
    },
    setForAccount(accountId, perSecond) {
      if (perSecond === undefined) perAccount.delete(accountId);
      else perAccount.set(accountId, perSecond);
      for (const key of windows.keys()) if (key.endsWith(`:${accountId}`)) windows.delete(key);
    },
    overrides: () => Object.fromEntries(perAccount),
    takeAccount(kind, accountId) {
      const limit = perSecondFor(kind, accountId);
      if (limit === Infinity) return true;
      if (limit <= 0) return false;
      const key = `${kind}:${accountId}`;
      let window = windows.get(key);
      if (!window) {
        // Whole calls per second; past a million the ring would only burn memory.
        window = new SlidingWindow(Math.max(1, Math.min(1_000_000, Math.floor(limit))));
        windows.set(key, window);
      }
      return window.take(clock.now());
    },
    takePair(phoneNumberId, to) {
      if (settings.whatsappPairBurst === Infinity) return true;
      const now = clock.now();
      const key = `${phoneNumberId}:${to}`;
      let bucket = pairs.get(key);
      if (!bucket) {
        if (pairs.size >= PAIR_SWEEP_THRESHOLD) sweepPairs(now);
        bucket = { tokens: settings.whatsappPairBurst, last: now };
        pairs.set(key, bucket);
      } else {
        refill(bucket, now);
      }
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    resetCounters() {
      windows.clear();
      pairs.clear();
    },
    reset() {
      settings = { ...defaultLimitSettings, ...initial };
      perAccount.clear();
      windows.clear();
      pairs.clear();
    },
  };
}
