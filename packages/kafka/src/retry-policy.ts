import type { ConsumedMessage } from './messages.ts';

export type FailureDecision = { action: 'retry'; delayMs: number } | { action: 'deadLetter'; reason: string };

/** Decides what happens to a message whose handler failed. `attempt` counts from 1. */
export interface FailurePolicy {
  onFailure(
    message: ConsumedMessage,
    error: unknown,
    attempt: number,
  ): FailureDecision | Promise<FailureDecision>;
}

/**
 * The error's own verdict (`retryable`, set by our error model from e.g. Meta's code table), looked
 * up along the `cause` chain; undefined when no error in the chain has one.
 */
export function isRetryable(error: unknown): boolean | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const retryable = (current as { retryable?: unknown }).retryable;
    if (typeof retryable === 'boolean') return retryable;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export interface RetryPolicyOptions {
  /** Handler runs per message before it is dead-lettered, the first included. */
  maxAttempts?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  multiplier?: number;
  /** Fraction of each delay that is randomized so that consumers do not retry in lockstep. */
  jitter?: number;
  random?: () => number;
}

/**
 * Exponential backoff for errors that may pass (unknown errors count as such), dead letter at once
 * for errors that say they will not (`retryable: false`), dead letter once attempts run out.
 */
export function createRetryPolicy(options: RetryPolicyOptions = {}): FailurePolicy {
  const maxAttempts = options.maxAttempts ?? 5;
  const initialDelayMs = options.initialDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const multiplier = options.multiplier ?? 2;
  const jitter = Math.min(Math.max(options.jitter ?? 0.2, 0), 1);
  const random = options.random ?? Math.random;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new RangeError('maxAttempts must be an integer >= 1');

  return {
    onFailure(_message, error, attempt) {
      if (isRetryable(error) === false) return { action: 'deadLetter', reason: 'non-retryable error' };
      if (attempt >= maxAttempts)
        return { action: 'deadLetter', reason: `gave up after ${attempt} attempts` };
      const base = Math.min(maxDelayMs, initialDelayMs * multiplier ** (attempt - 1));
      return { action: 'retry', delayMs: Math.round(base * (1 - jitter * random())) };
    },
  };
}
