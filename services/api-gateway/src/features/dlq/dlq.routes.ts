import { z } from 'zod';
import type { AdminApp } from '../../shared/admin-app.ts';
import type { GatewayMetrics } from '../../shared/gateway-metrics.ts';
import { toIso } from '../../shared/iso-date.ts';
import type { DeadLetter, DeadLettersRepository } from './dead-letters.repository.ts';
import { dlqCursor } from './dlq-cursor.ts';
import { type DlqReplayer, SKIP_REASONS } from './dlq-replayer.ts';

export interface DlqRouteDeps {
  deadLetters: DeadLettersRepository;
  dlqReplayer: DlqReplayer;
  metrics?: Pick<GatewayMetrics, 'dlqReplayed'> | undefined;
}

const DeadLetterId = z.int().positive();

const FilterFields = {
  integrationId: z.string().min(1).max(256).optional(),
  errorCode: z.string().min(1).max(200).optional().describe('e.g. GRAPH_131047, SENDER_INVALID_COMMAND'),
  reason: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe(
      'invalid, retries_exhausted, non_retryable, needs_reauth_timeout, marketing_opted_out, in_doubt, or unparseable',
    ),
};

const DeadLetterView = z.object({
  id: DeadLetterId,
  topic: z.string(),
  partition: z.int(),
  offset: z.string(),
  commandId: z.string().nullable(),
  integrationId: z.string().nullable(),
  channel: z.string().nullable(),
  reason: z.string(),
  errorCode: z.string().nullable().describe("the last attempt's error code"),
  errorMessage: z.string().nullable(),
  attempts: z.int(),
  record: z.unknown().describe('the DLQ record as consumed: command, every error, attempts'),
  deadLetteredAt: z.iso.datetime(),
  receivedAt: z.iso.datetime(),
  replayedAt: z.iso.datetime().nullable(),
  replayCount: z.int(),
});

const view = (d: DeadLetter): z.infer<typeof DeadLetterView> => ({
  ...d,
  deadLetteredAt: toIso(d.deadLetteredAt),
  receivedAt: toIso(d.receivedAt),
  replayedAt: toIso(d.replayedAt),
});

const ReplayBody = z
  .strictObject({
    ids: z.array(DeadLetterId).min(1).max(1000).optional().describe('dead letters to replay'),
    filter: z
      .strictObject({ ...FilterFields, replayed: z.boolean().default(false) })
      .optional()
      .describe(
        'replay what matches, oldest first; only dead letters not replayed yet unless replayed is set',
      ),
    limit: z.int().min(1).max(1000).default(100).describe('most dead letters replayed by a filter'),
  })
  .refine((b) => b.ids !== undefined || b.filter !== undefined, {
    message: 'give ids or a filter',
    path: ['ids'],
  })
  .refine((b) => b.ids === undefined || b.filter === undefined, {
    message: 'give ids or a filter, not both',
    path: ['filter'],
  });

/** The outbound dead letters, mirrored from the DLQ topic: list, filter, replay. */
export function registerDlqRoutes(app: AdminApp, deps: DlqRouteDeps): void {
  app.get(
    '/dlq',
    {
      schema: {
        tags: ['dead letters'],
        summary: 'List dead-lettered send commands, newest first',
        querystring: z.strictObject({
          ...FilterFields,
          replayed: z.enum(['true', 'false']).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: dlqCursor.schema.optional().describe('nextCursor of the previous page'),
        }),
        response: {
          200: z.object({
            items: z.array(DeadLetterView),
            nextCursor: z.string().nullable().describe('pass as cursor for the next page'),
          }),
        },
      },
    },
    async (request) => {
      const { limit, cursor, replayed, ...filter } = request.query;
      const page = await deps.deadLetters.list(
        { ...filter, replayed: replayed === undefined ? undefined : replayed === 'true' },
        { limit, before: cursor === undefined ? undefined : dlqCursor.decode(cursor) },
      );
      const last = page.items.at(-1);
      return {
        items: page.items.map(view),
        nextCursor: page.more && last ? dlqCursor.encode(last.id) : null,
      };
    },
  );

  app.post(
    '/dlq/replay',
    {
      schema: {
        tags: ['dead letters'],
        summary: 'Put dead-lettered commands back on the outbound topic (same commandId)',
        description:
          'A command that failed is requeued in outbound_messages so the sender sends it again; one ' +
          'that was sent meanwhile is skipped (already_sent), as are invalid commands (invalid_command: ' +
          'fix and send them as new messages) and records that could not be read.',
        body: ReplayBody,
        response: {
          200: z.object({
            replayed: z.array(z.object({ id: DeadLetterId, commandId: z.string() })),
            skipped: z.array(
              z.object({
                id: DeadLetterId,
                commandId: z.string().nullable(),
                reason: z.enum(SKIP_REASONS),
                message: z.string(),
              }),
            ),
            more: z.boolean().describe('a replay by filter stopped at its limit; more dead letters match'),
          }),
        },
      },
    },
    async (request) => {
      const { ids, filter, limit } = request.body;
      const outcome = await deps.dlqReplayer.replay(ids ? { ids } : { filter: filter ?? {}, limit });
      deps.metrics?.dlqReplayed('replayed', outcome.replayed.length);
      for (const skipped of outcome.skipped) deps.metrics?.dlqReplayed(skipped.reason, 1);
      request.log.info(
        { replayed: outcome.replayed.length, skipped: outcome.skipped.length, by: request.adminKey?.id },
        'dead letters replayed',
      );
      return outcome;
    },
  );
}
