import type { ConsumedMessage, DeadLetterSink, FailurePolicy, RunConsumerOptions } from '@omnistream/kafka';
import type { Logger } from '@omnistream/logger';
import { type BackgroundConsumer, runBackgroundConsumer } from '../../shared/background-consumers.ts';
import { fallbackRow, MIRROR_ERROR_CODES, type NewDeadLetter, toDeadLetterRow } from './dead-letter-row.ts';
import type { DeadLettersRepository } from './dead-letters.repository.ts';

/**
 * SQLSTATE classes where PostgreSQL refused the row's content (22 data exception, 23 integrity,
 * 54 program limit such as an oversized jsonb) rather than being unavailable: storing the record
 * as plain text will work where retrying the same row never would.
 */
const CONTENT_REFUSED = /^(22|23|54)/;

/** Mirroring fails only when PostgreSQL does: retry until it is back, never skip a record. */
export const mirrorRetryPolicy: FailurePolicy = {
  onFailure(_message, _error, attempt) {
    return { action: 'retry', delayMs: Math.min(30_000, 250 * 2 ** Math.min(attempt, 7)) };
  },
};

/** Never called with mirrorRetryPolicy; required by the runner's interface. */
const noDeadLetters: DeadLetterSink = {
  async publish() {
    throw new Error('DLQ mirror records are never dead-lettered');
  },
};

export function createDlqMirrorHandler(deps: {
  repository: Pick<DeadLettersRepository, 'insert'>;
  logger: Logger;
}) {
  return async (message: ConsumedMessage): Promise<void> => {
    let row: NewDeadLetter;
    try {
      row = toDeadLetterRow(message);
    } catch (err) {
      // Not expected (toDeadLetterRow handles bad records), but a record must never stop the mirror.
      row = fallbackRow(message, MIRROR_ERROR_CODES.unstorable, `unreadable: ${(err as Error).message}`);
    }
    if (row.errorCode?.startsWith('DLQ_RECORD_')) {
      deps.logger.warn(
        { topic: message.topic, partition: message.partition, offset: message.offset, code: row.errorCode },
        'DLQ record is not a dead letter of ours; stored as unparseable',
      );
    }
    try {
      await deps.repository.insert(row);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code !== 'string' || !CONTENT_REFUSED.test(code)) throw err;
      deps.logger.warn(
        { err, topic: message.topic, partition: message.partition, offset: message.offset },
        'PostgreSQL refused the DLQ record; storing it as text',
      );
      await deps.repository.insert(
        fallbackRow(
          message,
          MIRROR_ERROR_CODES.unstorable,
          `PostgreSQL refused the record: ${(err as Error).message}`,
        ),
      );
    }
  };
}

/**
 * Mirrors the outbound DLQ topic into dead_letters so admins can filter and replay. Idempotent by
 * (topic, partition, offset); offsets are committed only once a record is stored.
 */
export function startDlqMirror(deps: {
  kafka: RunConsumerOptions['kafka'];
  logger: Logger;
  groupId: string;
  topic: string;
  repository: Pick<DeadLettersRepository, 'insert'>;
}): Promise<BackgroundConsumer> {
  const logger = deps.logger.child({ component: 'dlq-mirror' });
  return runBackgroundConsumer({
    kafka: deps.kafka,
    logger,
    groupId: deps.groupId,
    topics: [deps.topic],
    handler: createDlqMirrorHandler({ repository: deps.repository, logger }),
    policy: mirrorRetryPolicy,
    deadLetter: noDeadLetters,
    maxWaitTimeMs: 500,
  });
}
