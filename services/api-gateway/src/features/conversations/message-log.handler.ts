import type { InboundEventOf } from '@omnistream/events';
import type { Logger } from '@omnistream/logger';
import type { MessageLogRepository } from './message-log.repository.ts';
import { type LoggedEvent, toEntry } from './message-log-entry.ts';

export interface MessageLogHandlers {
  message: (event: InboundEventOf<'message'>) => Promise<void>;
  echo: (event: InboundEventOf<'echo'>) => Promise<void>;
}

/**
 * The inbound-events consumer's handlers of `message` and `echo`: each event becomes one message_log
 * row. Idempotent by event id, as delivery is at least once. An event no integration matched has no
 * conversation to show it in (the admin API lists conversations per integration): skipped.
 */
export function createMessageLogHandlers(deps: {
  repository: Pick<MessageLogRepository, 'insert'>;
  logger: Logger;
}): MessageLogHandlers {
  const logger = deps.logger.child({ component: 'message-log' });
  const log = async (event: LoggedEvent) => {
    const entry = toEntry(event);
    if (!entry) {
      logger.debug(
        { eventId: event.eventId, kind: event.kind, channel: event.channel },
        'message without an integration; not logged',
      );
      return;
    }
    const inserted = await deps.repository.insert(entry);
    if (!inserted) logger.debug({ eventId: event.eventId }, 'message logged already; redelivery ignored');
  };
  return { message: log, echo: log };
}
