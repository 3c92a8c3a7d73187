import type { SendCommand } from '@omnistream/events';
import type { AttemptState } from './send/attempt.ts';
import { claimCommand } from './send/claim.ts';
import { SendAbandoned } from './send/errors.ts';
import { deadLetterRecord } from './send/outcome.ts';
import {
  holdInDoubt,
  publishDeadLetter,
  recordFailure,
  recordSent,
  republishSettled,
  requeueOnShutdown,
} from './send/record.ts';
import { refuseStoppedMarketing } from './send/refusals.ts';
import { sendWithRetries } from './send/retry.ts';
import type { GraphSent, SendProcessorDeps } from './send/types.ts';

export { SendAbandoned } from './send/errors.ts';
export type { SendProcessorDeps, SendSettings } from './send/types.ts';

/**
 * Sends one command: exactly once as far as this gateway can make it (the outbound_messages row
 * says whether it was sent already), within Meta's limits, retried with backoff on retryable
 * errors, dead-lettered with every attempt's error otherwise. Always publishes a result.
 * The steps: claim, refuse, (token, pace, call) per attempt, then record and publish.
 */
export function createSendProcessor(deps: SendProcessorDeps) {
  return {
    /** Dead-letters a command that failed its schema; nothing is sent. */
    async rejectInvalid(raw: unknown, key: string | null, reason: string): Promise<void> {
      const at = new Date();
      const errors = [
        { at: at.toISOString(), message: reason, code: 'SENDER_INVALID_COMMAND', retryable: false },
      ];
      await publishDeadLetter(deps, key, deadLetterRecord(raw, 'invalid', errors, 0, at));
    },

    async process(command: SendCommand, signal: AbortSignal): Promise<void> {
      // Before the shutdown requeue below: a shutdown while waiting leaves another sender's row alone.
      const claim = await claimCommand(deps, command, signal);
      if (claim.kind === 'settled') return republishSettled(deps, command, claim.row);
      if (claim.kind === 'hold') return holdInDoubt(deps, command, claim.row);

      const state: AttemptState = {
        attempts: claim.row.attempts,
        errors: [],
        refusedToken: null,
        rateKey: null,
        recordedSending: claim.recordedSending,
      };
      let sent: GraphSent;
      try {
        await refuseStoppedMarketing(deps.preferences, command);
        sent = await sendWithRetries(deps, command, state, signal);
      } catch (err) {
        if (err instanceof SendAbandoned || signal.aborted) {
          await requeueOnShutdown(deps, command);
          throw new SendAbandoned('shutting down');
        }
        return recordFailure(deps, command, state, err);
      }
      // Outside the try: see recordSent, a send Meta accepted is never dead-lettered.
      await recordSent(deps, command, sent.metaMessageId, state.attempts);
    },
  };
}

export type SendProcessor = ReturnType<typeof createSendProcessor>;
