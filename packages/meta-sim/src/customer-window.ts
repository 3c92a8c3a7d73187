import type { SimClock } from './clock.ts';

// WhatsApp "customer service window": free-form messages are allowed for 24 h after the user's last
// message; outside it only templates pass, else 131047 "Re-engagement message" (fixture 131047).
const WINDOW_MS = 24 * 60 * 60 * 1000;

export interface CustomerWindow {
  readonly enforced: boolean;
  enforce(on: boolean): void;
  /** The user `from` (wa_id) wrote to `phoneNumberId` (every number when omitted) at `at` (now). */
  recordInbound(input: { from: string; phoneNumberId?: string; at?: number }): void;
  isOpen(phoneNumberId: string, waId: string): boolean;
  clear(): void;
}

export function createCustomerWindow(clock: SimClock, enforced = false): CustomerWindow {
  let on = enforced;
  const lastInbound = new Map<string, number>();
  return {
    get enforced() {
      return on;
    },
    enforce(value) {
      on = value;
    },
    recordInbound({ from, phoneNumberId, at }) {
      lastInbound.set(`${phoneNumberId ?? '*'}:${from}`, at ?? clock.now());
    },
    isOpen(phoneNumberId, waId) {
      if (!on) return true;
      const at = Math.max(
        lastInbound.get(`${phoneNumberId}:${waId}`) ?? -Infinity,
        lastInbound.get(`*:${waId}`) ?? -Infinity,
      );
      return clock.now() - at < WINDOW_MS;
    },
    clear() {
      lastInbound.clear();
    },
  };
}
