import type { SendCommand } from '@omnistream/events';
import { GraphError } from '@omnistream/graph';
import pRetry, { type RetryContext } from 'p-retry';
import { type AttemptState, attemptSend } from './attempt.ts';
import { isRefusedToken, SendAbandoned, Terminal, toSendError } from './errors.ts';
import type { GraphSent, SendProcessorDeps } from './types.ts';
import { backoffDelay, sleep } from './waits.ts';

/**
 * Repeats attemptSend on retryable errors with backoff, recording each failed attempt; throws the
 * last error (Terminal, SendAbandoned or the call's own) when it gives up.
 */
export function sendWithRetries(
  deps: SendProcessorDeps,
  command: SendCommand,
  state: AttemptState,
  signal: AbortSignal,
): Promise<GraphSent> {
  const { outbound, limits, metrics, settings } = deps;
  const backoffMs = (attemptNumber: number) => backoffDelay(settings, attemptNumber);
  // Declared boolean: as an inferred type guard it would narrow every Error to never (SendAbandoned
  // is structurally a plain Error).
  const endsRetries = (error: unknown): boolean =>
    error instanceof Terminal || error instanceof SendAbandoned;

  async function recordFailedAttempt({ error, attemptNumber }: RetryContext): Promise<void> {
    if (endsRetries(error)) return;
    const retryDelay = backoffMs(attemptNumber);
    const sendError = toSendError(error);
    state.errors.push({
      at: new Date().toISOString(),
      message: sendError.message,
      code: sendError.code,
      retryable: sendError.retryable,
    });
    await outbound.recordAttemptError(command.commandId, { error: sendError, attempts: state.attempts });
    if (!(error instanceof GraphError) || !state.rateKey) return;
    if (error.category === 'pair_rate') {
      // 131056: this recipient only; the number's other conversations keep going.
      metrics.throttles.inc({ channel: command.channel, scope: 'recipient' });
      limits.penalizeRecipient(
        state.rateKey,
        error.retryAfterMs ?? Math.max(retryDelay, limits.pairIntervalMs),
      );
    } else if (error.category === 'throttle') {
      metrics.throttles.inc({ channel: command.channel, scope: 'account' });
      limits.penalizeAccount(state.rateKey, error.retryAfterMs ?? retryDelay);
    }
  }

  // Runs after recordFailedAttempt, so the attempt is on record before the wait. Retry-After is a
  // floor.
  async function waitBeforeRetry({ error, attemptNumber, retriesLeft }: RetryContext): Promise<boolean> {
    if (endsRetries(error)) return false;
    const retry = error instanceof GraphError ? error.retryable || error.code === 190 : true;
    const consumes = !isRefusedToken(error);
    if (!retry || (consumes && retriesLeft <= 0)) return false;
    // Counted once the call is really going to be repeated: a permanent failure or the last
    // attempt is a dead letter, not a retry.
    if (error instanceof GraphError) {
      metrics.retries.inc({ channel: command.channel, category: error.category });
    }
    // A refused token (190) is waited out in tokenFor, not here.
    if (!consumes) return true;
    const floor = error instanceof GraphError ? (error.retryAfterMs ?? 0) : 0;
    await sleep(Math.max(backoffMs(attemptNumber), floor), signal);
    return true;
  }

  return pRetry(() => attemptSend(deps, command, state, signal), {
    retries: settings.maxAttempts - 1,
    // The backoff is slept in waitBeforeRetry, where shutdown can cut it short. p-retry is given
    // no signal: it checks one after a successful call and would throw the success away, so a send
    // Meta accepted during shutdown was never recorded and went out again after the restart (seen
    // on Apache Kafka, whose slower rebalance left calls in flight).
    minTimeout: 0,
    maxTimeout: 0,
    randomize: false,
    // A refused token (190) is waited out in tokenFor, not counted as an attempt at Meta.
    shouldConsumeRetry: ({ error }) => !isRefusedToken(error),
    onFailedAttempt: recordFailedAttempt,
    shouldRetry: waitBeforeRetry,
  });
}
