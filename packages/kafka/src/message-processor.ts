import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '@omnistream/logger';
import type { DeadLetterSink } from './dead-letter.ts';
import type { ConsumedMessage } from './messages.ts';
import type { FailurePolicy } from './retry-policy.ts';

export interface MessageContext {
  /** 1 on first delivery to this handler run, +1 per retry. */
  attempt: number;
  /** Aborted when the consumer is stopping: finish or give up quickly, the message will come back. */
  signal: AbortSignal;
}

/** Processes one message; resolving means done (the offset gets committed), throwing means failed. */
export type MessageHandler = (message: ConsumedMessage, context: MessageContext) => Promise<void>;

/** handled/deadLettered: committed. abandoned: stopping, left uncommitted for redelivery. */
export type ProcessOutcome = 'handled' | 'deadLettered' | 'abandoned';

export interface ProcessMessageDeps {
  handler: MessageHandler;
  policy: FailurePolicy;
  deadLetter: DeadLetterSink;
  groupId: string;
  /** Commits this message's offset + 1. Its errors propagate (the group coordinator decides). */
  commit: () => Promise<void>;
  /** Keeps group membership alive while we wait; throws when the group is rebalancing. */
  heartbeat: () => Promise<void>;
  heartbeatIntervalMs: number;
  signal: AbortSignal;
  logger: Logger;
  /** Backoff between failed dead-letter publishes. */
  deadLetterRetry?: { initialDelayMs: number; maxDelayMs: number };
  now?: () => Date;
}

/**
 * Runs the handler until it succeeds, the policy dead-letters the message, or the consumer stops.
 * The offset is committed only after success or after the dead letter is durably stored; a dead
 * letter that cannot be stored is retried until it can, or left uncommitted on stop, so a message is
 * never skipped.
 */
export async function processMessage(
  message: ConsumedMessage,
  deps: ProcessMessageDeps,
): Promise<ProcessOutcome> {
  const log = deps.logger.child({
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
  });
  const errors: unknown[] = [];
  for (let attempt = 1; ; attempt++) {
    let failure: { error: unknown } | null = null;
    try {
      await deps.handler(message, { attempt, signal: deps.signal });
    } catch (error) {
      failure = { error };
    }
    if (!failure) {
      await deps.commit();
      return 'handled';
    }

    errors.push(failure.error);
    const decision = await deps.policy.onFailure(message, failure.error, attempt);
    log.warn({ err: failure.error, attempt, decision }, 'handler failed');

    if (decision.action === 'retry') {
      if (!(await wait(decision.delayMs, deps))) {
        log.info({ attempt }, 'stopping: retry abandoned, message stays uncommitted for redelivery');
        return 'abandoned';
      }
      continue;
    }

    const stored = await publishDeadLetter(deps, log, {
      message,
      error: failure.error,
      errors,
      attempts: attempt,
      reason: decision.reason,
      groupId: deps.groupId,
      failedAt: (deps.now ?? (() => new Date()))(),
    });
    if (!stored) return 'abandoned';
    await deps.commit();
    log.error({ err: failure.error, attempts: attempt, reason: decision.reason }, 'message dead-lettered');
    return 'deadLettered';
  }
}

async function publishDeadLetter(
  deps: ProcessMessageDeps,
  log: Logger,
  deadLetter: Parameters<DeadLetterSink['publish']>[0],
): Promise<boolean> {
  const backoff = deps.deadLetterRetry ?? { initialDelayMs: 1_000, maxDelayMs: 30_000 };
  for (let failures = 0; ; failures++) {
    try {
      await deps.deadLetter.publish(deadLetter);
      return true;
    } catch (err) {
      const delayMs = Math.min(backoff.maxDelayMs, backoff.initialDelayMs * 2 ** failures);
      log.error(
        { err, failures: failures + 1, retryInMs: delayMs },
        'dead letter not stored; offset not committed',
      );
      if (!(await wait(delayMs, deps))) return false;
    }
  }
}

/** Sleeps in heartbeat-sized slices; false when the consumer started stopping meanwhile. */
async function wait(ms: number, deps: ProcessMessageDeps): Promise<boolean> {
  let remaining = Math.max(0, ms);
  do {
    if (deps.signal.aborted) return false;
    const slice = Math.min(remaining, deps.heartbeatIntervalMs);
    try {
      await delay(slice, undefined, { signal: deps.signal });
    } catch {
      return false; // aborted
    }
    remaining -= slice;
    await deps.heartbeat();
  } while (remaining > 0);
  return !deps.signal.aborted;
}
