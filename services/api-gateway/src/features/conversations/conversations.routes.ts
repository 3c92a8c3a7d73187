import type { IntegrationsRepository } from '@omnistream/integrations';
import { AppError } from '@omnistream/service-kit';
import { z } from 'zod';
import type { AdminApp } from '../../shared/admin-app.ts';
import { toIso } from '../../shared/iso-date.ts';
import { conversationCursor, cursorSchema, messageCursor } from './conversations-cursor.ts';
import type {
  ConversationMessage,
  ConversationSummary,
  MessageLogRepository,
} from './message-log.repository.ts';

export interface ConversationRouteDeps {
  messageLog: Pick<MessageLogRepository, 'conversations' | 'messages'>;
  integrations: Pick<IntegrationsRepository, 'get'>;
}

const TAGS = ['conversations'];

/** A customer id as the inbound events carry it (wa_id or BSUID, PSID, IGSID): printable, bounded. */
const ContactId = z
  .string()
  .regex(/^[^\s\p{C}]{1,128}$/u, 'a contact id: 1 to 128 printable characters without spaces')
  .describe('the customer: wa_id (or BSUID), PSID or IGSID');
const IntegrationId = z.uuid().describe('integration id');
const Limit = z.coerce.number().int().min(1).max(200).default(50);

const ConversationView = z.object({
  contactId: z.string(),
  lastMessageAt: z.iso.datetime(),
  lastDirection: z.enum(['in', 'out']),
  lastPreview: z
    .string()
    .nullable()
    .describe(
      "text or caption of the last message (a send's text, caption or template name); null when it has none",
    ),
  inboundCount: z.int().describe('messages received from the customer'),
  outboundCount: z.int().describe("the business's sends, and echoes of sends made outside the gateway"),
});

const MessageView = z.object({
  id: z.string().describe('the event id of a received message or echo, the command id of a send'),
  direction: z.enum(['in', 'out']),
  at: z.iso.datetime().describe("Meta's time of a received message or echo; when a send was queued"),
  type: z.string().describe('message type (text, image, template, ...)'),
  preview: z
    .string()
    .nullable()
    .describe(
      "text or caption, at most 500 characters; a send's text, caption, template name or interactive body; null when it has none (and for sends recorded before 014_outbound_preview)",
    ),
  metaMessageId: z.string().nullable().describe('wamid / mid; null for a send not yet accepted by Meta'),
  status: z
    .enum(['queued', 'sending', 'sent', 'delivered', 'read', 'played', 'failed'])
    .optional()
    .describe('sends only'),
  lastError: z.object({ code: z.string(), message: z.string() }).optional().describe('a failed send: why'),
  media: z
    .object({ fetchPath: z.string().describe('gateway path streaming the media with the token') })
    .optional(),
});

const conversationView = (c: ConversationSummary): z.infer<typeof ConversationView> => ({
  contactId: c.contactId,
  lastMessageAt: toIso(c.lastMessageAt),
  lastDirection: c.lastDirection,
  lastPreview: c.lastPreview,
  inboundCount: c.inboundCount,
  outboundCount: c.outboundCount,
});

const messageView = (m: ConversationMessage): z.infer<typeof MessageView> => ({
  id: m.id,
  direction: m.direction,
  at: toIso(m.at),
  type: m.type,
  preview: m.preview,
  metaMessageId: m.metaMessageId,
  ...(m.status === null ? {} : { status: m.status }),
  ...(m.lastError === null ? {} : { lastError: { code: m.lastError.code, message: m.lastError.message } }),
  ...(m.fetchPath === null ? {} : { media: { fetchPath: m.fetchPath } }),
});

/**
 * Conversations of an integration (one per customer) and the messages of one, read from the message
 * log (received messages and echoes) and outbound_messages (the business's sends through the gateway).
 */
export function registerConversationRoutes(app: AdminApp, deps: ConversationRouteDeps): void {
  const requireIntegration = async (id: string) => {
    if (!(await deps.integrations.get(id))) {
      throw new AppError('GW_NOT_FOUND', 'no such integration', { status: 404 });
    }
  };

  app.get(
    '/integrations/:id/conversations',
    {
      schema: {
        tags: TAGS,
        summary: 'List the conversations of an integration, the one with the newest message first',
        description:
          'A conversation is the integration and one customer. Counts and the last message cover received ' +
          'messages (kept MESSAGE_LOG_RETENTION_DAYS) and sends (kept RETENTION_OUTBOUND_DAYS).',
        params: z.object({ id: IntegrationId }),
        querystring: z.strictObject({
          limit: Limit,
          cursor: cursorSchema(conversationCursor.decode).optional(),
        }),
        response: {
          200: z.object({
            items: z.array(ConversationView),
            nextCursor: z.string().nullable().describe('pass as cursor for the next page'),
          }),
        },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      await requireIntegration(request.params.id);
      const page = await deps.messageLog.conversations(request.params.id, {
        limit,
        after: cursor === undefined ? undefined : conversationCursor.decode(cursor),
      });
      const last = page.items.at(-1);
      return {
        items: page.items.map(conversationView),
        nextCursor: page.more && last ? conversationCursor.encode(last.key) : null,
      };
    },
  );

  app.get(
    '/integrations/:id/conversations/:contactId/messages',
    {
      schema: {
        tags: TAGS,
        summary: 'List the messages of a conversation, newest first: received, echoed and sent',
        description:
          'Received messages and echoes are ordered by when Meta says they happened, sends by when they ' +
          'were queued. An echo of a send made through the gateway is shown once, as the send.',
        params: z.object({ id: IntegrationId, contactId: ContactId }),
        querystring: z.strictObject({ limit: Limit, cursor: cursorSchema(messageCursor.decode).optional() }),
        response: {
          200: z.object({
            items: z.array(MessageView),
            nextCursor: z.string().nullable().describe('pass as cursor for the next page'),
          }),
        },
      },
    },
    async (request) => {
      const { id, contactId } = request.params;
      const { limit, cursor } = request.query;
      await requireIntegration(id);
      const page = await deps.messageLog.messages(id, contactId, {
        limit,
        after: cursor === undefined ? undefined : messageCursor.decode(cursor),
      });
      const last = page.items.at(-1);
      return {
        items: page.items.map(messageView),
        nextCursor: page.more && last ? messageCursor.encode(last.key) : null,
      };
    },
  );
}
