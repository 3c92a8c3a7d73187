import type { SendError } from '@omnistream/events';
import type { Logger } from '@omnistream/logger';
import type { OutboundMessage, OutboundMessagesRepository } from '@omnistream/outbound';

/**
 * What a sender does with a command it finds in `sending` with nobody live holding it: an earlier
 * attempt (a sender killed mid-send, or this process's own attempt that failed to record its
 * outcome) may or may not have reached Meta. `resend` sends it again (a possible duplicate);
 * `hold` dead-letters it with reason `in_doubt` for a person to check the conversation and replay
 * it or leave it (a possible loss, never a duplicate). docs/services.md, "In-doubt sends".
 */
export type InDoubtPolicy = 'resend' | 'hold';

/**
 * A redelivered command whose row another live sender holds in `sending` (a rebalance moved its
 * partition while that sender was still sending it) is waited for, never sent a second time: the
 * row ends sent or failed (the caller then republishes that outcome), or its holder's lease runs
 * out (the holder died: the command is in doubt). Rows this process claimed are never waited for:
 * the conversation scheduler runs one command of a conversation at a time, so an earlier attempt of
 * this process at the same command has ended, without recording its outcome.
 */
export async function awaitLiveClaim(deps: {
  outbound: Pick<OutboundMessagesRepository, 'getClaim'>;
  claimed: { message: OutboundMessage; claimLive: boolean };
  instanceId: string;
  pollMs: number;
  sleep: (ms: number) => Promise<void>;
  logger: Logger;
}): Promise<OutboundMessage> {
  let { message, claimLive } = deps.claimed;
  let logged = false;
  while (message.status === 'sending' && claimLive && message.claimedBy !== deps.instanceId) {
    if (!logged) {
      deps.logger.info(
        { commandId: message.commandId, claimedBy: message.claimedBy },
        'another sender is sending this command; waiting for its outcome',
      );
      logged = true;
    }
    await deps.sleep(deps.pollMs);
    const now = await deps.outbound.getClaim(message.commandId);
    if (!now) break;
    ({ message, claimLive } = now);
  }
  return message;
}

/** The failed result's error and the dead letter's message for a command held as in doubt. */
export function inDoubtError(row: OutboundMessage): { error: SendError; lastAttemptAt: string } {
  const lastAttemptAt = (row.claimedAt ?? row.updatedAt).toISOString();
  const who = row.claimedBy ? `sender ${row.claimedBy}` : 'an earlier sender';
  return {
    lastAttemptAt,
    error: {
      code: 'SENDER_IN_DOUBT',
      message:
        `${who} took this command at ${lastAttemptAt} and recorded no outcome: Meta may or may not ` +
        'have accepted it. Check the conversation, then replay it from the DLQ to send it, or leave it.',
      retryable: false,
    },
  };
}
