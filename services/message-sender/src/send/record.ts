import { commandKey, type DlqRecord, type SendCommand } from '@omnistream/events';
import type { OutboundMessage } from '@omnistream/outbound';
import { inDoubtError } from '../in-doubt.ts';
import type { AttemptState } from './attempt.ts';
import { type AttemptError, Terminal, toSendError } from './errors.ts';
import { type BuiltOutcome, buildOutcome } from './outcome.ts';
import type { GraphSent, SendProcessorDeps } from './types.ts';

type RecordDeps = Pick<SendProcessorDeps, 'outbound' | 'producer' | 'topics' | 'metrics' | 'logger'>;

export async function publishDeadLetter(
  deps: RecordDeps,
  key: string | null,
  record: DlqRecord,
): Promise<void> {
  await deps.producer.send(deps.topics.dlq, [{ key, value: JSON.stringify(record) }]);
  deps.metrics.deadLetters.inc({ reason: record.reason });
}

async function publishResult(deps: RecordDeps, command: SendCommand, built: BuiltOutcome): Promise<void> {
  await deps.producer.send(deps.topics.results, [
    { key: commandKey(command), value: JSON.stringify(built.result) },
  ]);
}

/**
 * Meta accepted it. Kept apart from the failure path: failing to record or report this (PostgreSQL
 * or Kafka down) must not turn it into a failed, dead-lettered send, as it did when the broker
 * crashed mid-run (sender-broker-outage.int.test.ts). It throws instead; the command consumer
 * retries the command, which then finds it sent and republishes the result.
 */
export async function recordSent(
  deps: RecordDeps,
  command: SendCommand,
  metaMessageId: GraphSent['metaMessageId'],
  attempts: number,
): Promise<void> {
  await deps.outbound.markSent(command.commandId, { metaMessageId, attempts });
  deps.metrics.sends.inc({ channel: command.channel, outcome: 'sent' });
  await publishResult(deps, command, buildOutcome(command, { kind: 'sent', metaMessageId, attempts }));
}

/** A redelivery of a command already sent or failed: nothing is sent; the result is made sure of. */
export async function republishSettled(deps: RecordDeps, command: SendCommand, row: OutboundMessage) {
  deps.metrics.sends.inc({ channel: command.channel, outcome: 'duplicate_skipped' });
  await publishResult(deps, command, buildOutcome(command, { kind: 'settled', row }));
}

/** The retries gave up (or a Terminal refusal ended them): failed, dead-lettered and reported. */
export async function recordFailure(
  deps: RecordDeps,
  command: SendCommand,
  state: AttemptState,
  err: unknown,
): Promise<void> {
  const { attempts, errors } = state;
  const error = err instanceof Terminal ? err.sendError : toSendError(err);
  if (err instanceof Terminal) {
    errors.push({ at: new Date().toISOString(), message: error.message, code: error.code, retryable: false });
  }
  const reason =
    err instanceof Terminal ? err.reason : error.retryable ? 'retries_exhausted' : 'non_retryable';
  await deps.outbound.markFailed(command.commandId, { error, attempts });
  deps.metrics.sends.inc({ channel: command.channel, outcome: 'failed' });
  deps.logger.warn(
    { commandId: command.commandId, reason, code: error.code, attempts },
    'send failed; dead-lettered',
  );
  const built = buildOutcome(command, { kind: 'failed', error, attempts, reason, errors });
  if (built.deadLetter) await publishDeadLetter(deps, commandKey(command), built.deadLetter);
  await publishResult(deps, command, built);
}

/** SENDER_IN_DOUBT=hold: not sent again; failed, dead-lettered and reported for a person to decide. */
export async function holdInDoubt(
  deps: RecordDeps,
  command: SendCommand,
  row: OutboundMessage,
): Promise<void> {
  const { error, lastAttemptAt } = inDoubtError(row);
  const attempts = Math.max(1, row.attempts);
  deps.logger.warn(
    { commandId: command.commandId, claimedBy: row.claimedBy, lastAttemptAt },
    'send in doubt (SENDER_IN_DOUBT=hold): not sent again; dead-lettered for a person to check',
  );
  const now = new Date();
  const errors: AttemptError[] = [
    { at: now.toISOString(), message: error.message, code: error.code, retryable: false },
  ];
  const built = buildOutcome(
    command,
    { kind: 'failed', error, attempts, reason: 'in_doubt', errors, lastAttemptAt },
    now,
  );
  // The dead letter first: if it cannot be written, the row stays in sending and the retry holds
  // it again, instead of a failed row nobody is told about.
  if (built.deadLetter) await publishDeadLetter(deps, commandKey(command), built.deadLetter);
  // failed (with no Meta message id) is what a DLQ replay requeues: a replay sends it.
  await deps.outbound.markFailed(command.commandId, { error, attempts });
  deps.metrics.sends.inc({ channel: command.channel, outcome: 'in_doubt' });
  await publishResult(deps, command, built);
}

/** Shutdown cut a wait short (no Graph call is in flight then): the next consumer sends it. */
export async function requeueOnShutdown(deps: RecordDeps, command: SendCommand): Promise<void> {
  await deps.outbound
    .markRequeued(command.commandId, 'sender shut down before sending; redelivered to the next consumer')
    .catch((e) =>
      deps.logger.warn({ err: e, commandId: command.commandId }, 'could not requeue on shutdown'),
    );
}
