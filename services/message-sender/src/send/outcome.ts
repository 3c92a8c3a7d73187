import type { DlqReason, DlqRecord, SendCommand, SendError, SendResult } from '@omnistream/events';
import type { OutboundMessage } from '@omnistream/outbound';
import type { AttemptError } from './errors.ts';
import type { GraphSent } from './types.ts';

/** How a command's send ended, as the steps report it; buildOutcome turns it into what is published. */
export type SendOutcome =
  /** Redelivered after it was already sent or failed: the recorded outcome, reported again. */
  | { kind: 'settled'; row: OutboundMessage }
  | { kind: 'sent'; metaMessageId: GraphSent['metaMessageId']; attempts: number }
  | {
      kind: 'failed';
      error: SendError;
      attempts: number;
      reason: DlqReason;
      /** Empty when it failed before any attempt was recorded: the reason then stands in for them. */
      errors: AttemptError[];
      lastAttemptAt?: string | undefined;
    };

export interface BuiltOutcome {
  result: SendResult;
  /** Only a failure that happens now is dead-lettered: a settled one was dead-lettered back then. */
  deadLetter: DlqRecord | null;
}

/** The one place a SendResult (and its dead letter) is shaped, so every path reports alike. */
export function buildOutcome(command: SendCommand, outcome: SendOutcome, now = new Date()): BuiltOutcome {
  const base = {
    schemaVersion: 1,
    commandId: command.commandId,
    integrationId: command.integrationId,
    channel: command.channel,
    to: command.to,
  } as const;
  switch (outcome.kind) {
    case 'settled': {
      const row = outcome.row;
      if (row.status === 'failed') {
        return {
          result: {
            ...base,
            outcome: 'failed',
            error: row.lastError ?? { code: 'SENDER_FAILED', message: 'failed', retryable: false },
            attempts: row.attempts,
            failedAt: (row.failedAt ?? row.updatedAt).toISOString(),
          },
          deadLetter: null,
        };
      }
      return {
        result: {
          ...base,
          outcome: 'sent',
          metaMessageId: row.metaMessageId,
          attempts: Math.max(1, row.attempts),
          sentAt: (row.sentAt ?? row.updatedAt).toISOString(),
        },
        deadLetter: null,
      };
    }
    case 'sent':
      return {
        result: {
          ...base,
          outcome: 'sent',
          metaMessageId: outcome.metaMessageId,
          attempts: Math.max(1, outcome.attempts),
          sentAt: now.toISOString(),
        },
        deadLetter: null,
      };
    case 'failed':
      return {
        result: {
          ...base,
          outcome: 'failed',
          error: outcome.error,
          attempts: outcome.attempts,
          failedAt: now.toISOString(),
        },
        deadLetter: deadLetterRecord(
          command,
          outcome.reason,
          outcome.errors,
          outcome.attempts,
          now,
          outcome.lastAttemptAt,
        ),
      };
  }
}

/**
 * Also used on its own for a command that failed its schema, which has no SendCommand to report
 * a result for; `raw` null stands for a command that was not even JSON (its text is in the error).
 */
export function deadLetterRecord(
  raw: unknown,
  reason: DlqReason,
  errors: AttemptError[],
  attempts: number,
  now = new Date(),
  lastAttemptAt?: string,
): DlqRecord {
  return {
    schemaVersion: 1,
    command: raw ?? null,
    reason,
    errors: errors.length > 0 ? errors : [{ at: now.toISOString(), message: reason }],
    attempts,
    ...(lastAttemptAt ? { lastAttemptAt } : {}),
    deadLetteredAt: now.toISOString(),
  };
}
