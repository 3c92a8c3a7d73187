import type { SendCommand } from '@omnistream/events';
import type { ResolvedToken } from '@omnistream/integrations';
import type { RateKey } from '../rate-limits.ts';
import { type AttemptError, isRefusedToken, SendAbandoned } from './errors.ts';
import { pace } from './pace.ts';
import { flagRefusedToken, tokenFor } from './token.ts';
import type { GraphSent, SendProcessorDeps } from './types.ts';

/** What the attempts of one command share: the dead letter and the outbound row are built from it. */
export interface AttemptState {
  attempts: number;
  errors: AttemptError[];
  /** Not used again: the next attempt waits for a different token. */
  refusedToken: string | null;
  /** Known once a token resolved the account; a throttle penalizes it. */
  rateKey: RateKey | null;
  recordedSending: boolean;
}

/** One try at Meta: token, record the attempt, pace, call. Retries are the caller's business. */
export async function attemptSend(
  deps: SendProcessorDeps,
  command: SendCommand,
  state: AttemptState,
  signal: AbortSignal,
): Promise<GraphSent> {
  if (signal.aborted) throw new SendAbandoned('shutting down');
  const resolved = await tokenFor(deps, command, state.refusedToken, signal);
  const rateKey: RateKey = {
    channel: command.channel,
    integrationId: command.integrationId,
    accountId: resolved.accountId,
    recipient: command.to,
  };
  state.rateKey = rateKey;
  state.attempts += 1;
  if (state.recordedSending) state.recordedSending = false;
  else await deps.outbound.markSending(command.commandId, state.attempts, deps.instanceId);
  await pace(deps.limits, rateKey, signal);
  return callGraph(deps, command, resolved, state);
}

async function callGraph(
  deps: SendProcessorDeps,
  command: SendCommand,
  resolved: ResolvedToken,
  state: AttemptState,
): Promise<GraphSent> {
  const started = performance.now();
  try {
    return await deps.graph.send(command, { token: resolved.token, accountId: resolved.accountId });
  } catch (err) {
    if (isRefusedToken(err)) {
      state.refusedToken = resolved.token;
      await flagRefusedToken(deps, command, resolved, err);
    }
    throw err;
  } finally {
    deps.metrics.graphLatency.observe({ channel: command.channel }, (performance.now() - started) / 1000);
  }
}
