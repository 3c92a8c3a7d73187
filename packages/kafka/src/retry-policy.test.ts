import { describe, expect, it } from 'vitest';
import type { ConsumedMessage } from './messages.ts';
import { createRetryPolicy, isRetryable } from './retry-policy.ts';

const message: ConsumedMessage = {
  topic: 't',
  partition: 0,
  offset: '7',
  key: null,
  value: Buffer.from('{}'),
  headers: {},
  timestamp: '0',
};

function errorWith(fields: Record<string, unknown>): Error {
  return Object.assign(new Error('failed'), fields);
}

describe('retry policy', () => {
  it('dead-letters at once an error that says it is not retryable, even through a cause', async () => {
    const policy = createRetryPolicy();
    expect(await policy.onFailure(message, errorWith({ retryable: false }), 1)).toMatchObject({
      action: 'deadLetter',
    });
    const wrapped = new Error('send failed', {
      cause: errorWith({ code: 'GW_META_INVALID_PARAM', retryable: false }),
    });
    expect(await policy.onFailure(message, wrapped, 1)).toMatchObject({
      action: 'deadLetter',
      reason: 'non-retryable error',
    });
  });

  it('retries retryable and unknown errors with growing, capped delays, then dead-letters', async () => {
    const policy = createRetryPolicy({ maxAttempts: 5, initialDelayMs: 100, maxDelayMs: 500, jitter: 0 });
    const decisions = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      decisions.push(
        await policy.onFailure(
          message,
          attempt % 2 ? new Error('ECONNRESET') : errorWith({ retryable: true }),
          attempt,
        ),
      );
    }
    expect(decisions).toEqual([
      { action: 'retry', delayMs: 100 },
      { action: 'retry', delayMs: 200 },
      { action: 'retry', delayMs: 400 },
      { action: 'retry', delayMs: 500 },
      { action: 'deadLetter', reason: 'gave up after 5 attempts' },
    ]);
  });

  it('spreads delays with jitter so consumers do not retry in lockstep', async () => {
    const policy = createRetryPolicy({ initialDelayMs: 1_000, jitter: 0.5, random: () => 1 });
    expect(await policy.onFailure(message, new Error('x'), 1)).toEqual({ action: 'retry', delayMs: 500 });
  });

  it('reads the verdict from the nearest error that has one', () => {
    expect(isRetryable(new Error('plain'))).toBeUndefined();
    expect(isRetryable(errorWith({ retryable: true, cause: errorWith({ retryable: false }) }))).toBe(true);
    expect(isRetryable('not an error')).toBeUndefined();
  });
});
