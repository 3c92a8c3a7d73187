import { DepartureWindow } from './departure-window.ts';
import { TokenBucket } from './token-bucket.ts';

export interface RateLimitSettings {
  /** WhatsApp messages per second per business number (Meta default 80; up to 1000 after upgrade). */
  whatsappPerNumberPerSecond: number;
  /** WhatsApp pair rate: about 1 message per 6 s to the same user… */
  whatsappPerRecipientPerSecond: number;
  /** …with bursts allowed (Meta documents bursts without a number; 5 is conservative). */
  whatsappPerRecipientBurst: number;
  /** Messenger Send API calls per second per Page (300 for text). */
  messengerPerPagePerSecond: number;
  /** Instagram calls per second per account (300). */
  instagramPerAccountPerSecond: number;
  /** Per-integration overrides of the per-account rate (e.g. a number upgraded to 1000/s). */
  perIntegrationPerSecond?: Readonly<Record<string, number>>;
}

const ACCOUNT_RATE_MARGIN = 0.985;
/**
 * The departure window's own margin, wider than the bucket's: a call recorded as departed can still
 * reach Meta late when either end stalls (GC, a descheduled process on a busy machine), and the
 * calls bunched that way into one second must still fit. At 80/s: at most 76 departures in any
 * second, which absorbs about 60 ms of such bunching. With 77 (0.97), bench:send's simulator, which
 * counts an exact sliding second, refused 1–2 calls per run of 1,600 (docs/benchmarks.md).
 */
const DEPARTURE_WINDOW_MARGIN = 0.96;
/** Above this rate per account the departure window is skipped (limits lifted, e.g. in bench:send). */
const MAX_WINDOWED_RATE = 10_000;

export const defaultRateLimits: RateLimitSettings = {
  whatsappPerNumberPerSecond: 80,
  whatsappPerRecipientPerSecond: 1 / 6,
  whatsappPerRecipientBurst: 5,
  messengerPerPagePerSecond: 300,
  instagramPerAccountPerSecond: 300,
};

export interface RateKey {
  channel: 'whatsapp' | 'instagram' | 'messenger';
  integrationId: string;
  /** Phone number id / Page id / IG account id. */
  accountId: string;
  recipient: string;
}

/**
 * Meta's throughput limits as client-side pacing, so the sender stays under them instead of
 * collecting 130429 / 131056 errors: one bucket per sending account and, for WhatsApp, one per
 * (number, recipient) pair. Buckets of idle keys are dropped after a while.
 */
export class RateLimits {
  readonly #settings: RateLimitSettings;
  readonly #now: () => number;
  readonly #accounts = new Map<string, { bucket: TokenBucket; window: DepartureWindow | null }>();
  readonly #pairs = new Map<string, { bucket: TokenBucket; lastUsed: number }>();

  constructor(settings: RateLimitSettings, now: () => number = Date.now) {
    this.#settings = settings;
    this.#now = now;
  }

  #account(key: RateKey): { bucket: TokenBucket; window: DepartureWindow | null } {
    const id = `${key.channel}:${key.accountId}`;
    let account = this.#accounts.get(id);
    if (!account) {
      const s = this.#settings;
      const rate =
        s.perIntegrationPerSecond?.[key.integrationId] ??
        (key.channel === 'whatsapp'
          ? s.whatsappPerNumberPerSecond
          : key.channel === 'messenger'
            ? s.messengerPerPagePerSecond
            : s.instagramPerAccountPerSecond);
      // No burst, and 1.5 % under the limit: Meta counts messages in any one-second window, so
      // evenly spaced sends at exactly the rate can still put rate + 1 into some window (and a
      // burst certainly does). At 80/s this paces 78.8/s, and the departure window holds any one
      // second to 76 however late timers fire.
      const paced = rate * ACCOUNT_RATE_MARGIN;
      account = {
        bucket: new TokenBucket({ ratePerSecond: paced, burst: 1, now: this.#now }),
        window: paced <= MAX_WINDOWED_RATE ? new DepartureWindow(rate * DEPARTURE_WINDOW_MARGIN) : null,
      };
      this.#accounts.set(id, account);
    }
    return account;
  }

  #pairBucket(key: RateKey): TokenBucket | null {
    if (key.channel !== 'whatsapp') return null;
    const id = `${key.accountId}:${key.recipient}`;
    let entry = this.#pairs.get(id);
    if (!entry) {
      entry = {
        bucket: new TokenBucket({
          ratePerSecond: this.#settings.whatsappPerRecipientPerSecond,
          burst: this.#settings.whatsappPerRecipientBurst,
          now: this.#now,
        }),
        lastUsed: this.#now(),
      };
      this.#pairs.set(id, entry);
      if (this.#pairs.size > 100_000) this.#evictIdlePairs();
    }
    entry.lastUsed = this.#now();
    return entry.bucket;
  }

  #evictIdlePairs(): void {
    const idleFor =
      (this.#settings.whatsappPerRecipientBurst / this.#settings.whatsappPerRecipientPerSecond) * 1000;
    const cutoff = this.#now() - idleFor;
    for (const [id, entry] of this.#pairs) if (entry.lastUsed < cutoff) this.#pairs.delete(id);
  }

  /**
   * Books the recipient's pair-rate slot (WhatsApp only); returns the milliseconds until it is
   * due. Booked first and on its own, so a recipient who must wait holds no account token.
   */
  reservePair(key: RateKey): number {
    return this.#pairBucket(key)?.reserve() ?? 0;
  }

  /** Books the sending account's slot; returns the milliseconds until it is due. */
  reserveAccount(key: RateKey): number {
    return this.#account(key).bucket.reserve();
  }

  /**
   * Right before the call: milliseconds to wait so that the account's last second of actual
   * departures stays within its limit; 0 means go now, and the departure is recorded.
   */
  departAccount(key: RateKey): number {
    const window = this.#account(key).window;
    if (!window) return 0;
    const now = this.#now();
    const wait = window.waitMs(now);
    if (wait === 0) window.record(now);
    return wait;
  }

  /** One pair-rate interval (6 s by default): how long a recipient backs off after a 131056. */
  get pairIntervalMs(): number {
    return 1000 / this.#settings.whatsappPerRecipientPerSecond;
  }

  /** 131056: back off this recipient only. */
  penalizeRecipient(key: RateKey, ms: number): void {
    this.#pairBucket(key)?.penalize(ms);
  }

  /** 130429 / 80007 / 613: the whole account is over its limit. */
  penalizeAccount(key: RateKey, ms: number): void {
    this.#account(key).bucket.penalize(ms);
  }
}
