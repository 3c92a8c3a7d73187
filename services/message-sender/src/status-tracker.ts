import type { InboundEvent } from '@omnistream/events';
import type { ConsumedMessage, DeadLetterSink, FailurePolicy, MessageHandler } from '@omnistream/kafka';
import type { Logger } from '@omnistream/logger';
import type {
  MarketingPreferencesRepository,
  OutboundError,
  OutboundMessagesRepository,
} from '@omnistream/outbound';
import type { Counter } from 'prom-client';

const TRACKED = new Set(['sent', 'delivered', 'read', 'played', 'failed']);

/**
 * Inbound `status` events → outbound_messages, forward only (the repository refuses to move a
 * status back, so Meta's out-of-order and repeated webhooks are harmless). Statuses for messages
 * this gateway did not send (another app on the same number) are counted and skipped.
 *
 * Inbound `marketing_preference` events → marketing_preferences, which the send processor reads
 * before a MARKETING template (outcome `preference`; `ignored` when no integration matched).
 */
export function createStatusHandler(deps: {
  repository: Pick<OutboundMessagesRepository, 'applyStatus'>;
  preferences: Pick<MarketingPreferencesRepository, 'record'>;
  logger: Logger;
  outcomes: Counter<'outcome'>;
}): MessageHandler {
  return async (message: ConsumedMessage) => {
    let event: InboundEvent;
    try {
      event = JSON.parse(message.value?.toString('utf8') ?? '');
    } catch {
      deps.outcomes.inc({ outcome: 'unparseable' });
      return;
    }
    if (event.kind === 'marketing_preference' && event.integrationId !== null) {
      const ids = [event.contact.id, event.contact.userId].filter((id): id is string => id !== undefined);
      await deps.preferences.record({
        integrationId: event.integrationId,
        contactIds: [...new Set(ids)],
        optedOut: event.payload.preference === 'stop',
        category: event.payload.category,
        changedAt: event.occurredAt,
        eventId: event.eventId,
      });
      deps.outcomes.inc({ outcome: 'preference' });
      deps.logger.info(
        { integrationId: event.integrationId, preference: event.payload.preference, eventId: event.eventId },
        'marketing preference recorded',
      );
      return;
    }
    if (event.kind !== 'status' || !TRACKED.has(event.payload.status)) {
      deps.outcomes.inc({ outcome: 'ignored' });
      return;
    }
    const first = event.payload.errors?.[0];
    const error: OutboundError | undefined = first
      ? {
          code: `GRAPH_${first.code}`,
          message: first.message ?? first.title ?? `error ${first.code}`,
          retryable: false,
          metaCode: first.code,
        }
      : undefined;
    const outcome = await deps.repository.applyStatus({
      metaMessageId: event.payload.messageId,
      status: event.payload.status as 'sent' | 'delivered' | 'read' | 'played' | 'failed',
      at: event.occurredAt,
      ...(error ? { error } : {}),
    });
    deps.outcomes.inc({ outcome });
    if (outcome === 'applied') {
      deps.logger.debug(
        { metaMessageId: event.payload.messageId, status: event.payload.status },
        'status applied',
      );
    }
  };
}

/** A status update only fails when PostgreSQL does: retry until it is back, never dead-letter. */
export const statusRetryPolicy: FailurePolicy = {
  onFailure(_message, _error, attempt) {
    return { action: 'retry', delayMs: Math.min(30_000, 250 * 2 ** Math.min(attempt, 7)) };
  },
};

/** Never called with statusRetryPolicy; required by the runner's interface. */
export const noDeadLetters: DeadLetterSink = {
  async publish() {
    throw new Error('status updates are never dead-lettered');
  },
};
