import { describe, expect, it } from 'vitest';
import { DepartureWindow } from './departure-window.ts';

describe('DepartureWindow', () => {
  it('lets `limit` calls go at once, then holds the next until the oldest is a second old', () => {
    const w = new DepartureWindow(3);
    for (const t of [0, 1, 2]) {
      expect(w.waitMs(t)).toBe(0);
      w.record(t);
    }
    expect(w.waitMs(2)).toBe(998);
    expect(w.waitMs(1000)).toBe(0);
    w.record(1000);
    expect(w.waitMs(1000)).toBe(1);
  });

  it('regression: bunched late timers never put more than the limit into any one-second window', () => {
    // 78 slots per second evenly booked, but timers fire late in clumps of up to 40 ms.
    const limit = 78;
    const w = new DepartureWindow(limit);
    const departures: number[] = [];
    let clock = 0;
    for (let i = 0; i < 1_000; i++) {
      const booked = Math.ceil((i * 1000) / limit); // Date.now() is whole milliseconds
      clock = Math.max(clock, booked + (i % 7 === 0 ? 40 : 0));
      const wait = w.waitMs(clock);
      clock += wait;
      w.record(clock);
      departures.push(clock);
    }
    for (let i = limit; i < departures.length; i++) {
      expect((departures[i] ?? 0) - (departures[i - limit] ?? 0)).toBeGreaterThanOrEqual(1000);
    }
  });
});
