import { commandKey, parseSendCommand, type SendCommand } from '@omnistream/events';
import type { Producer } from '@omnistream/kafka';
import type { Logger } from '@omnistream/logger';
import { type OutboundMessagesRepository, SENT_OR_LATER } from '@omnistream/outbound';
import { AppError } from '@omnistream/service-kit';
import { UNPARSEABLE } from './dead-letter-row.ts';
import type { DeadLetter, DeadLetterFilter, DeadLettersRepository } from './dead-letters.repository.ts';

export const SKIP_REASONS = [
  'not_found',
  'invalid_command',
  'unparseable_record',
  'already_sent',
  'publish_failed',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface ReplayOutcome {
  replayed: { id: number; commandId: string }[];
  skipped: { id: number; commandId: string | null; reason: SkipReason; message: string }[];
  /** A replay by filter stopped at its limit and more dead letters match. */
  more: boolean;
}

export type ReplaySelection = { ids: readonly number[] } | { filter: DeadLetterFilter; limit: number };

export interface DlqReplayer {
  replay(selection: ReplaySelection): Promise<ReplayOutcome>;
}

/** Kafka header naming the dead letter a replayed command came from (for tracing; the sender ignores it). */
export const REPLAY_HEADER = 'omnistream-replay-of';

/**
 * Puts dead-lettered commands back on the outbound topic, unchanged (same commandId). The sender
 * skips commands whose outbound_messages row is failed, so such a row is requeued first (the
 * sender's idempotency still keeps a command that was sent from going twice). Several dead letters
 * of one command are replayed as one.
 */
export function createDlqReplayer(deps: {
  deadLetters: DeadLettersRepository;
  outbound: Pick<OutboundMessagesRepository, 'requeueFailed' | 'markFailed'>;
  producer: Pick<Producer, 'send'>;
  /** The outbound (send command) topic. */
  topic: string;
  logger: Logger;
}): DlqReplayer {
  const { deadLetters, outbound, producer, topic, logger } = deps;

  return {
    async replay(selection) {
      const outcome: ReplayOutcome = { replayed: [], skipped: [], more: false };
      const skip = (d: Pick<DeadLetter, 'id' | 'commandId'>, reason: SkipReason, message: string) =>
        outcome.skipped.push({ id: d.id, commandId: d.commandId, reason, message });

      let rows: DeadLetter[];
      if ('ids' in selection) {
        rows = await deadLetters.byIds(selection.ids);
        const found = new Set(rows.map((r) => r.id));
        for (const id of new Set(selection.ids)) {
          if (!found.has(id)) skip({ id, commandId: null }, 'not_found', `no dead letter ${id}`);
        }
      } else {
        const page = await deadLetters.oldest(selection.filter, selection.limit);
        rows = page.items;
        outcome.more = page.more;
      }

      // One replay per command, however often it was dead-lettered.
      const byCommand = new Map<string, { command: SendCommand; letters: DeadLetter[] }>();
      for (const row of rows) {
        if (row.reason === UNPARSEABLE) {
          skip(
            row,
            'unparseable_record',
            `the dead letter could not be read (${row.errorCode ?? 'unknown'})`,
          );
          continue;
        }
        const parsed = parseSendCommand((row.record as { command?: unknown } | null)?.command);
        if (row.reason === 'invalid' || !parsed.success) {
          skip(row, 'invalid_command', 'the command is invalid; fix it and send it as a new message');
          continue;
        }
        const group = byCommand.get(parsed.data.commandId);
        if (group) group.letters.push(row);
        else byCommand.set(parsed.data.commandId, { command: parsed.data, letters: [row] });
      }

      const note = 'replayed from the dead-letter queue';
      const attempts = await Promise.all(
        [...byCommand.values()].map(async ({ command, letters }) => {
          const { message, requeued } = await outbound.requeueFailed(command.commandId, { note });
          if (message && (SENT_OR_LATER.has(message.status) || message.metaMessageId !== null)) {
            for (const l of letters) {
              skip(l, 'already_sent', `already sent (status ${message.status}); not sent again`);
            }
            return 'skipped' as const;
          }
          try {
            await producer.send(topic, [
              {
                key: commandKey(command),
                value: JSON.stringify(command),
                headers: { [REPLAY_HEADER]: letters.map((l) => l.id).join(',') },
              },
            ]);
          } catch (err) {
            logger.error({ err, commandId: command.commandId }, 'replay not published');
            if (requeued) {
              // Back to failed, so the row does not claim a send is coming when none is.
              await outbound.markFailed(command.commandId, {
                error: {
                  code: 'GW_REPLAY_NOT_PUBLISHED',
                  message: 'replay could not be published',
                  retryable: true,
                },
                attempts: message?.attempts ?? 0,
              });
            }
            for (const l of letters)
              skip(l, 'publish_failed', 'Kafka did not take the command; replay it again');
            return 'failed' as const;
          }
          await deadLetters.markReplayed(letters.map((l) => l.id));
          for (const l of letters) outcome.replayed.push({ id: l.id, commandId: command.commandId });
          return 'replayed' as const;
        }),
      );
      if (attempts.length > 0 && attempts.every((a) => a === 'failed')) {
        throw new AppError('GW_UNAVAILABLE', 'no command could be replayed (Kafka unavailable); retry', {
          status: 503,
        });
      }
      outcome.replayed.sort((a, b) => a.id - b.id);
      outcome.skipped.sort((a, b) => a.id - b.id);
      return outcome;
    },
  };
}
