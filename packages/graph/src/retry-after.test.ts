import { describe, expect, it } from 'vitest';
import { parseBusinessUseCaseWait, parseRetryAfter } from './retry-after.ts';

const NOW = Date.parse('2026-06-08T12:00:00Z');

describe('Retry-After', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter('7', NOW)).toBe(7000);
    expect(parseRetryAfter(' 120 ', NOW)).toBe(120_000);
    expect(parseRetryAfter(['3', '9'], NOW)).toBe(3000);
  });

  it('reads an HTTP-date relative to now, never negative', () => {
    expect(parseRetryAfter('Mon, 08 Jun 2026 12:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Mon, 08 Jun 2026 11:59:00 GMT', NOW)).toBe(0);
  });

  it('ignores what is neither, and caps absurd waits at a day', () => {
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter('', NOW)).toBeUndefined();
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter('-5', NOW)).toBeUndefined();
    expect(parseRetryAfter('1.5', NOW)).toBeUndefined();
    expect(parseRetryAfter('2026-06-08T12:00:30Z', NOW)).toBeUndefined();
    expect(parseRetryAfter('99999999', NOW)).toBe(24 * 60 * 60 * 1000);
  });
});

describe('X-Business-Use-Case-Usage', () => {
  it('takes the longest estimated_time_to_regain_access, in minutes', () => {
    const header = JSON.stringify({
      '102290129340398': [
        {
          type: 'whatsapp',
          call_count: 100,
          total_cputime: 30,
          total_time: 40,
          estimated_time_to_regain_access: 2,
        },
        { type: 'whatsapp_management', call_count: 10, estimated_time_to_regain_access: 5 },
      ],
    });
    expect(parseBusinessUseCaseWait(header)).toBe(5 * 60_000);
  });

  it('is undefined when nothing is to be regained or the header is garbage', () => {
    expect(
      parseBusinessUseCaseWait(JSON.stringify({ '1': [{ estimated_time_to_regain_access: 0 }] })),
    ).toBeUndefined();
    expect(parseBusinessUseCaseWait('{not json')).toBeUndefined();
    expect(parseBusinessUseCaseWait(undefined)).toBeUndefined();
  });
});
