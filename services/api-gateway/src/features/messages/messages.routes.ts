import type { OutboundMessage } from '@omnistream/outbound';
import { AppError } from '@omnistream/service-kit';
import { z } from 'zod';
import type { AdminApp } from '../../shared/admin-app.ts';
import { toIso } from '../../shared/iso-date.ts';
import type { MessageService } from './messages.service.ts';
import { IDEMPOTENCY_KEY, SendMessageBodySchema } from './send-request.ts';

export interface MessagesRouteDeps {
  messages: MessageService;
}

const STATUSES = ['queued', 'sending', 'sent', 'delivered', 'read', 'played', 'failed'] as const;
const CommandIdSchema = z.string().regex(/^[\x21-\x7e]{1,128}$/, 'must be 1-128 printable ASCII characters');

const SendErrorView = z.object({
  code: z.string(),
  message: z.string(),
  retryable: z.boolean(),
  metaCode: z.number().optional(),
  metaSubcode: z.number().optional(),
  fbtraceId: z.string().optional(),
  metaErrors: z
    .array(
      z.object({
        code: z.int(),
        title: z.string(),
        message: z.string().optional(),
        details: z.string().optional(),
      }),
    )
    .optional()
    .describe('every error Meta reported on a failed status (WhatsApp may send several), the first included'),
});

const MessageView = z.object({
  commandId: z.string(),
  integrationId: z.string(),
  channel: z.enum(['whatsapp', 'instagram', 'messenger']),
  to: z.string(),
  messageType: z.string(),
  status: z.enum(STATUSES),
  metaMessageId: z.string().nullable().describe('wamid or mid Meta returned, once sent'),
  attempts: z.int().describe('Graph calls made so far'),
  lastError: SendErrorView.nullable(),
  history: z
    .array(
      z.object({
        status: z.enum(STATUSES),
        at: z.string(),
        error: SendErrorView.optional(),
        note: z.string().optional(),
      }),
    )
    .describe('every status change, oldest first'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  sentAt: z.iso.datetime().nullable(),
  deliveredAt: z.iso.datetime().nullable(),
  readAt: z.iso.datetime().nullable(),
  /** WhatsApp voice messages: when the customer played it. */
  playedAt: z.iso.datetime().nullable(),
  failedAt: z.iso.datetime().nullable(),
});

const view = (m: OutboundMessage): z.infer<typeof MessageView> => ({
  commandId: m.commandId,
  integrationId: m.integrationId,
  channel: m.channel,
  to: m.recipient,
  messageType: m.messageType,
  status: m.status,
  metaMessageId: m.metaMessageId,
  attempts: m.attempts,
  lastError: m.lastError,
  history: m.history,
  createdAt: toIso(m.createdAt),
  updatedAt: toIso(m.updatedAt),
  sentAt: toIso(m.sentAt),
  deliveredAt: toIso(m.deliveredAt),
  readAt: toIso(m.readAt),
  playedAt: toIso(m.playedAt),
  failedAt: toIso(m.failedAt),
});

/** Sending: a send command onto the outbound topic, and its status as the sender records it. */
export function registerMessageRoutes(app: AdminApp, deps: MessagesRouteDeps): void {
  app.post(
    '/messages',
    {
      schema: {
        tags: ['messages'],
        summary: 'Queue a message for sending (any channel and message type the sender supports)',
        description:
          'Validated with the send command schema, including the per-channel rules (e.g. Instagram ' +
          'text at most 1000 bytes of UTF-8). 404: no such integration; 409: integration disabled, or ' +
          'commandId already used by another message. With `Idempotency-Key`, a retry with the same ' +
          'body gets the first answer and nothing is queued twice; the same key with another body is ' +
          'refused with 422. Keys are kept for IDEMPOTENCY_TTL_HOURS.',
        headers: z.looseObject({
          'idempotency-key': z
            .string()
            .regex(IDEMPOTENCY_KEY, 'must be 1-255 printable ASCII characters')
            .optional()
            .describe('makes retries safe: the same key and body always mean the same message'),
        }),
        body: SendMessageBodySchema,
        response: {
          202: z.object({
            commandId: z.string(),
            status: z.enum(STATUSES).describe('queued, or further along when the sender was quicker'),
          }),
        },
      },
    },
    async (request, reply) => {
      const outcome = await deps.messages.send(request.body, {
        idempotencyKey: request.headers['idempotency-key'],
      });
      request.log.info(
        { commandId: outcome.commandId, replayed: outcome.replayed, by: request.adminKey?.id },
        outcome.replayed ? 'send request answered from an earlier one' : 'message queued',
      );
      if (outcome.replayed) void reply.header('idempotent-replayed', 'true');
      return reply.status(202).send({ commandId: outcome.commandId, status: outcome.status });
    },
  );

  app.get(
    '/messages/:commandId',
    {
      schema: {
        tags: ['messages'],
        summary: "A message's status, Meta message id, attempts, last error and status history",
        params: z.object({ commandId: CommandIdSchema }),
        response: { 200: MessageView },
      },
    },
    async (request) => {
      const message = await deps.messages.get(request.params.commandId);
      if (!message) {
        throw new AppError('GW_NOT_FOUND', `no message with commandId ${request.params.commandId}`, {
          status: 404,
        });
      }
      return view(message);
    },
  );
}
