import { AppError } from '@omnistream/service-kit';
import { z } from 'zod';
import type { AdminApp } from '../../shared/admin-app.ts';
import { toIso } from '../../shared/iso-date.ts';
import { quarantineCursor } from './quarantine-cursor.ts';
import type { QuarantinedEvent, SpoolQuarantineRepository } from './spool-quarantine.repository.ts';

export interface QuarantineRouteDeps {
  spoolQuarantine: SpoolQuarantineRepository;
}

const TAGS = ['spool quarantine'];
const REASONS = ['too_large', 'invalid_record', 'non_retriable'] as const;
const QuarantineId = z.int().positive();
const Params = z.object({
  id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).describe('quarantine row id'),
});

const QuarantinedEventView = z.object({
  id: QuarantineId,
  eventId: z.string(),
  topic: z.string().describe('the topic it was to be published to'),
  key: z.string().describe('its Kafka key: channel:accountId:contactId'),
  kind: z.string().nullable().describe('the inbound event kind (message, status, ...)'),
  reason: z.string().describe('too_large, invalid_record or non_retriable'),
  errorCode: z
    .string()
    .describe("Kafka's error (MESSAGE_TOO_LARGE, ...) or EVENT_TOO_LARGE (INBOUND_EVENT_MAX_BYTES)"),
  errorMessage: z.string(),
  attempts: z.int().describe('publish attempts refused for good (one more per retry refused again)'),
  sizeBytes: z.int().describe('size of the event, uncompressed'),
  acceptedAt: z.iso.datetime().describe('when the webhook that carried it was accepted'),
  firstAttemptAt: z.iso.datetime(),
  lastAttemptAt: z.iso.datetime(),
  quarantinedAt: z.iso.datetime(),
});

const view = (q: QuarantinedEvent): z.infer<typeof QuarantinedEventView> => ({
  ...q,
  acceptedAt: toIso(q.acceptedAt),
  firstAttemptAt: toIso(q.firstAttemptAt),
  lastAttemptAt: toIso(q.lastAttemptAt),
  quarantinedAt: toIso(q.quarantinedAt),
});

const notFound = () => new AppError('GW_NOT_FOUND', 'no such quarantined event', { status: 404 });

/**
 * Inbound events the webhook-ingestor could not publish to Kafka for good (docs/services.md, "Event
 * size and quarantine"): list, send back to the spool, drop.
 */
export function registerQuarantineRoutes(app: AdminApp, deps: QuarantineRouteDeps): void {
  app.get(
    '/spool/quarantine',
    {
      schema: {
        tags: TAGS,
        summary: 'List quarantined inbound events, newest first (without the events themselves)',
        querystring: z.strictObject({
          reason: z.enum(REASONS).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: quarantineCursor.schema.optional().describe('nextCursor of the previous page'),
        }),
        response: {
          200: z.object({
            items: z.array(QuarantinedEventView),
            nextCursor: z.string().nullable().describe('pass as cursor for the next page'),
          }),
        },
      },
    },
    async (request) => {
      const { reason, limit, cursor } = request.query;
      const page = await deps.spoolQuarantine.list(
        { reason },
        { limit, before: cursor === undefined ? undefined : quarantineCursor.decode(cursor) },
      );
      const last = page.items.at(-1);
      return {
        items: page.items.map(view),
        nextCursor: page.more && last ? quarantineCursor.encode(last.id) : null,
      };
    },
  );

  app.post(
    '/spool/quarantine/:id/retry',
    {
      schema: {
        tags: TAGS,
        summary: 'Send a quarantined event back to the spool; the ingestor offers it to Kafka again',
        description:
          'The event leaves the quarantine and joins the end of the spool; the ingestor relays it within ' +
          'SPOOL_RELAY_INTERVAL_MS. Retry once the cause is fixed (e.g. the topic takes larger records): ' +
          'refused again, it comes back here with one more attempt.',
        params: Params,
        response: { 202: QuarantinedEventView },
      },
    },
    async (request, reply) => {
      const retried = await deps.spoolQuarantine.retry(request.params.id);
      if (!retried) throw notFound();
      request.log.info(
        { quarantineId: retried.id, eventId: retried.eventId, by: request.adminKey?.id },
        'quarantined event sent back to the spool',
      );
      return reply.status(202).send(view(retried));
    },
  );

  app.delete(
    '/spool/quarantine/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Drop a quarantined event for good; it never reaches Kafka',
        params: Params,
        response: { 200: QuarantinedEventView },
      },
    },
    async (request) => {
      const dropped = await deps.spoolQuarantine.drop(request.params.id);
      if (!dropped) throw notFound();
      // The audit trail: the event is gone, this line says who dropped what.
      request.log.warn(
        {
          audit: 'spool_quarantine_drop',
          quarantineId: dropped.id,
          eventId: dropped.eventId,
          kind: dropped.kind,
          reason: dropped.reason,
          errorCode: dropped.errorCode,
          sizeBytes: dropped.sizeBytes,
          by: request.adminKey?.id,
        },
        'quarantined event dropped',
      );
      return view(dropped);
    },
  );
}
