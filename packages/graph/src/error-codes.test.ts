import { describe, expect, it } from 'vitest';
import { classify, type GraphErrorCategory } from './error-codes.ts';

/** docs/meta-platform.md "Error codes": the authoritative table, code by code. */
const RETRYABLE: [number, GraphErrorCategory][] = [
  [1, 'server'],
  [2, 'server'],
  [4, 'throttle'],
  [17, 'throttle'],
  [32, 'throttle'],
  [341, 'throttle'],
  [613, 'throttle'],
  [80002, 'throttle'],
  [80004, 'throttle'],
  [80006, 'throttle'],
  [80007, 'throttle'],
  [80008, 'throttle'],
  [130429, 'throttle'],
  [131000, 'server'],
  [131016, 'server'],
  [131056, 'pair_rate'],
  [131057, 'server'],
];

const NOT_RETRYABLE: [number, GraphErrorCategory][] = [
  [100, 'bad_request'],
  [190, 'auth'],
  [10, 'permission'],
  [200, 'permission'],
  [250, 'permission'],
  [299, 'permission'],
  [131026, 'undeliverable'],
  [131030, 'undeliverable'],
  [131047, 'window_closed'],
  [131048, 'spam'],
  [131049, 'undeliverable'],
  [131050, 'user_unavailable'],
  [132000, 'template'],
  [132001, 'template'],
  [132007, 'template'],
  [132012, 'template'],
  [132015, 'template'],
  [132016, 'template'],
  [368, 'policy'],
  [131031, 'policy'],
  [551, 'user_unavailable'],
];

describe('Meta code table', () => {
  it.each(RETRYABLE)('%i is retryable (%s) on HTTP 400 as on 429 and 500', (code, category) => {
    for (const status of [400, 403, 429, 500])
      expect(classify(code, undefined, status)).toEqual({ retryable: true, category });
  });

  it.each(NOT_RETRYABLE)('%i is not retryable (%s), even when Meta answers HTTP 500', (code, category) => {
    for (const status of [400, 403, 500, 503])
      expect(classify(code, undefined, status)).toEqual({ retryable: false, category });
  });

  it('ranges stop at their documented edges', () => {
    expect(classify(199, undefined, 400)).toEqual({ retryable: false, category: 'unknown' });
    expect(classify(300, undefined, 400)).toEqual({ retryable: false, category: 'unknown' });
    expect(classify(131999, undefined, 400)).toEqual({ retryable: false, category: 'unknown' });
    expect(classify(132017, undefined, 400)).toEqual({ retryable: false, category: 'unknown' });
  });

  it('an unknown code is retryable only when the HTTP status is 5xx', () => {
    expect(classify(999999, undefined, 400)).toEqual({ retryable: false, category: 'unknown' });
    expect(classify(999999, undefined, 429)).toEqual({ retryable: false, category: 'unknown' });
    expect(classify(999999, undefined, 500)).toEqual({ retryable: true, category: 'server' });
    expect(classify(undefined, undefined, 502)).toEqual({ retryable: true, category: 'server' });
  });

  it('subcodes sharpen the category but never the retry verdict', () => {
    // Messenger: outside the 24 h window.
    expect(classify(10, 2018278, 400)).toEqual({ retryable: false, category: 'window_closed' });
    // Messenger: no matching user.
    expect(classify(100, 2018001, 400)).toEqual({ retryable: false, category: 'undeliverable' });
    // Expired token subcode stays auth.
    expect(classify(190, 463, 400)).toEqual({ retryable: false, category: 'auth' });
    // Instagram "action is blocked" still a code-4 throttle per the table.
    expect(classify(4, 2207051, 403)).toEqual({ retryable: true, category: 'throttle' });
  });
});
