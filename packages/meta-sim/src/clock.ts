/** Source of "now" for every time-based rule (limits, the 24 h window, token expiry, media URLs). */
export interface SimClock {
  now(): number;
  /** Moves the clock forward (or back, with a negative value). */
  advance(ms: number): void;
  /** Jumps to an absolute epoch-ms time. */
  set(epochMs: number): void;
  /** While frozen the clock moves only through advance/set: tests get exact windows. */
  freeze(): void;
  unfreeze(): void;
  readonly frozen: boolean;
}

/**
 * A clock that follows `base` (Date.now) plus an offset, or stands still when frozen. Limits and
 * windows read it on every call, so tests can prove "81 calls within one second" without racing
 * the wall clock, and the demo can jump 25 hours ahead over `/_sim/clock`.
 */
export function createSimClock(
  options: { start?: number; frozen?: boolean; base?: () => number } = {},
): SimClock {
  const base = options.base ?? Date.now;
  let frozen = options.frozen ?? false;
  let offset = options.start === undefined ? 0 : options.start - base();
  let frozenAt = base() + offset;
  return {
    now: () => (frozen ? frozenAt : base() + offset),
    advance(ms) {
      if (frozen) frozenAt += ms;
      else offset += ms;
    },
    set(epochMs) {
      if (frozen) frozenAt = epochMs;
      else offset = epochMs - base();
    },
    freeze() {
      if (frozen) return;
      frozenAt = base() + offset;
      frozen = true;
    },
    unfreeze() {
      if (!frozen) return;
      offset = frozenAt - base();
      frozen = false;
    },
    get frozen() {
      return frozen;
    },
  };
}
