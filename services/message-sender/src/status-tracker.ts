import { describeInvalidEvent, type MetaError, parseInboundEvent } from '@omnistream/events';
import type { ConsumedMessage, DeadLetterSink, FailurePolicy, MessageHandler } from '@omnistream/kafka';
import type { Logger } from '@omnistream/logger';
import type {
  MarketingPreferencesRepository,
  OutboundError,
  OutboundMessagesRepository,
} from '@omnistream/outbound';
import type { Counter } from 'prom-client';

const TRACKED = new Set(['sent', 'delivered', 'read', 'played', 'failed']);
/** The only kinds this consumer acts on; the others are counted `ignored` without a full parse. */
const HANDLED_KINDS = new Set(['status', 'marketing_preference']);

function locate(message: ConsumedMessage) {
  return { topic: message.topic, partition: message.partition, offset: message.offset };
}

/** One Meta error as stored: the fields of MetaErrorSchema that are set. */
function metaError(e: MetaError): MetaError {
  return {
    code: e.code,
    title: e.title,
    ...(e.message === undefined ? {} : { message: e.message }),
    ...(e.details === undefined ? {} : { details: e.details }),
  };
}

/**
 * Meta may report several errors on one failed status. The first is the primary (`code`, `metaCode`,
 * `message`, as before); every entry, the first included, is kept in `metaErrors`, and the message
 * names the others so the messages API (which shows code and message) does not hide them.
 */
type StatusError = OutboundError & { metaErrors: MetaError[] };
function statusError(errors: readonly MetaError[] | undefined): StatusError | undefined {
  const [first, ...others] = errors ?? [];
  if (first === undefined) return undefined;
  const text = (e: MetaError) => e.message ?? e.title ?? `error ${e.code}`;
  const also = others.map((e) => `${e.code} ${text(e)}`).join('; ');
  return {
    code: `GRAPH_${first.code}`,
    message: also === '' ? text(first) : `${text(first)} (also: ${also})`,
    retryable: false,
    metaCode: first.code,
    metaErrors: (errors ?? []).map(metaError),
  };
}

/**
 * Inbound `status` events → outbound_messages, forward only (the repository refuses to move a
 * status back, so Meta's out-of-order and repeated webhooks are harmless). Statuses for messages
 * this gateway did not send (another app on the same number) are counted and skipped.
 *
 * Records are checked with parseInboundEvent, as the api-gateway checks them; an invalid one is
 * logged and counted `invalid`, and the tracker goes on.
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
    let json: unknown;
    try {
      json = JSON.parse(message.value?.toString('utf8') ?? '');
    } catch {
      deps.outcomes.inc({ outcome: 'unparseable' });
      return;
    }
    const kind = (json as { kind?: unknown } | null)?.kind;
    if (typeof kind !== 'string' || !HANDLED_KINDS.has(kind)) {
      deps.outcomes.inc({ outcome: 'ignored' });
      return;
    }
    // The same check the api-gateway's inbound consumer applies: a record that is not a valid event
    // is logged (where it is and what is wrong, never its values) and skipped, not retried forever.
    const parsed = parseInboundEvent(json);
    if (!parsed.success) {
      deps.outcomes.inc({ outcome: 'invalid' });
      deps.logger.warn(
        {
          ...locate(message),
          kind,
          issues: describeInvalidEvent(parsed.error),
        },
        'inbound record is not a valid event; skipped',
      );
      return;
    }
    const event = parsed.data;
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
    const error = statusError(event.payload.errors);
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
