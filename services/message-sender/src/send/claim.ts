import { outboundPreview, type SendCommand } from '@omnistream/events';
import { type OutboundMessage, SENT_OR_LATER } from '@omnistream/outbound';
import { awaitLiveClaim } from '../in-doubt.ts';
import type { SendProcessorDeps } from './types.ts';
import { sleep } from './waits.ts';

export type Claim =
  /** Already sent or failed (a redelivery after a crash or a rebalance): never sent twice. */
  | { kind: 'settled'; row: OutboundMessage }
  /** Left in sending by nobody live, with SENDER_IN_DOUBT=hold: a person decides. */
  | { kind: 'hold'; row: OutboundMessage }
  /**
   * Ours to send. `recordedSending`: the claim itself wrote the row as sending (a command seen
   * for the first time), so the first attempt need not write it again.
   */
  | { kind: 'send'; row: OutboundMessage; recordedSending: boolean };

/**
 * Takes the outbound_messages row that says whether this command was sent already, waiting for
 * another live sender's outcome rather than sending alongside it (docs/services.md, "In-doubt sends").
 */
export async function claimCommand(
  deps: Pick<SendProcessorDeps, 'outbound' | 'instanceId' | 'settings' | 'logger'>,
  command: SendCommand,
  signal: AbortSignal,
): Promise<Claim> {
  const { outbound, settings, logger } = deps;
  const claimed = await outbound.claimForSend({
    commandId: command.commandId,
    integrationId: command.integrationId,
    channel: command.channel,
    recipient: command.to,
    messageType: command.message.type,
    preview: outboundPreview(command.message),
    claimant: deps.instanceId,
  });
  const { created } = claimed;
  // Outside the shutdown requeue: a shutdown while waiting leaves another sender's row alone.
  const row = created
    ? claimed.message
    : await awaitLiveClaim({
        outbound,
        claimed,
        instanceId: deps.instanceId,
        pollMs: settings.claimPollMs ?? 1_000,
        sleep: (ms) => sleep(ms, signal),
        logger,
      });
  if (SENT_OR_LATER.has(row.status) || row.status === 'failed') return { kind: 'settled', row };
  if (!created && row.status === 'sending') {
    // Nobody live holds it: an earlier attempt ended without recording whether Meta took it.
    if (settings.inDoubt === 'hold') return { kind: 'hold', row };
    logger.warn(
      { commandId: command.commandId, claimedBy: row.claimedBy },
      'send in doubt (SENDER_IN_DOUBT=resend): sending it again; Meta may already have it',
    );
  }
  return { kind: 'send', row, recordedSending: created };
}
