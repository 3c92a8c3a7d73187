import { describe, expect, it } from 'vitest';
import { defaultRateLimits, type RateLimitSettings, RateLimits } from './rate-limits.ts';
import { TokenBucket } from './token-bucket.ts';

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('TokenBucket', () => {
  it('paces reservations exactly at the rate after the burst', () => {
    const c = clock();
    const b = new TokenBucket({ ratePerSecond: 80, burst: 1, now: c.now });
    const waits = Array.from({ length: 80 }, () => b.reserve());
    expect(waits[0]).toBe(0);
    // 80 reservations at 80/s span one second: the last is due 987.5 ms from now.
    expect(waits[79]).toBe(988);
    expect(waits.every((w, i) => i === 0 || w >= (waits[i - 1] ?? 0))).toBe(true);
  });

  it('allows a burst, then about one per interval (WhatsApp pair rate: 1 per 6 s)', () => {
    const c = clock();
    const b = new TokenBucket({ ratePerSecond: 1 / 6, burst: 3, now: c.now });
    expect([b.reserve(), b.reserve(), b.reserve()]).toEqual([0, 0, 0]);
    expect(b.reserve()).toBe(6000);
    c.advance(60_000);
    expect(b.reserve()).toBe(0);
  });

  it('penalize pushes the next slot back, once however many refusals ask for it', () => {
    const c = clock();
    const b = new TokenBucket({ ratePerSecond: 10, burst: 1, now: c.now });
    for (let i = 0; i < 20; i++) b.penalize(2_000);
    expect(b.reserve()).toBe(2_000);
    expect(b.reserve()).toBe(2_100);
  });
});

/** Meta's defaults (defaultRateLimits) with the given changes. */
const limitsWith = (changes: Partial<RateLimitSettings>, now: () => number) =>
  new RateLimits({ ...defaultRateLimits, ...changes }, now);

describe('RateLimits', () => {
  const key = (recipient: string) => ({
    channel: 'whatsapp' as const,
    integrationId: 'i1',
    accountId: 'pn1',
    recipient,
  });

  it('backs off one WhatsApp recipient without slowing the number for others', () => {
    const c = clock();
    const limits = limitsWith({ whatsappPerRecipientBurst: 2 }, c.now);
    limits.penalizeRecipient(key('alice'), 30_000);
    expect(limits.reservePair(key('alice'))).toBeGreaterThanOrEqual(30_000);
    expect(limits.reservePair(key('bob'))).toBe(0);
    expect(limits.reserveAccount(key('bob'))).toBe(0);
  });

  it('never puts more than the limit into any one-second window (Meta counts a sliding second)', () => {
    const c = clock();
    const limits = limitsWith({ whatsappPerRecipientBurst: 5 }, c.now);
    const sendTimes = Array.from({ length: 400 }, (_, i) => c.now() + limits.reserveAccount(key(`r${i}`)));
    let worst = 0;
    for (const t of sendTimes)
      worst = Math.max(worst, sendTimes.filter((u) => u >= t && u < t + 1000).length);
    expect(worst).toBeLessThanOrEqual(80);
    expect(worst).toBeGreaterThanOrEqual(76);
  });

  it('uses a per-integration override of the number rate', () => {
    const c = clock();
    const limits = limitsWith({ whatsappPerRecipientBurst: 5, perIntegrationPerSecond: { i1: 1000 } }, c.now);
    const waits = Array.from({ length: 1000 }, (_, i) => limits.reserveAccount(key(`r${i}`)));
    // 1000 sends at ~985/s (the 1.5 % margin) take about a second, not the 12.5 s of 80/s.
    expect(Math.max(...waits)).toBeLessThanOrEqual(1020);
    expect(Math.max(...waits)).toBeGreaterThan(900);
  });
});
