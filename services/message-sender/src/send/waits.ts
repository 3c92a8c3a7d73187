import { SendAbandoned } from './errors.ts';
import type { SendSettings } from './types.ts';

/** Every wait on the send path goes through here so that shutdown cuts it short. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new SendAbandoned('shutting down'));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new SendAbandoned('shutting down'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Exponential backoff with full jitter between 1x and 2x, as p-retry's `randomize` did. */
export function backoffDelay(settings: SendSettings, attemptNumber: number): number {
  const base = Math.min(settings.maxDelayMs, settings.minDelayMs * 2 ** Math.max(0, attemptNumber - 1));
  return Math.min(settings.maxDelayMs, Math.round(base * (1 + Math.random())));
}
