import type { Pool } from '@omnistream/db';
import type { OutboundError, OutboundStatus } from '@omnistream/outbound';
import {
  AT_KEY_SQL,
  type ConversationKey,
  type MessageKey,
  type MessageSource,
} from './conversations-cursor.ts';
import { type MessageLogEntry, storable } from './message-log-entry.ts';

export interface ConversationSummary {
  contactId: string;
  lastMessageAt: Date;
  lastDirection: 'in' | 'out';
  lastPreview: string | null;
  inboundCount: number;
  outboundCount: number;
  /** The page key of this conversation. */
  key: ConversationKey;
}

export interface ConversationMessage {
  id: string;
  direction: 'in' | 'out';
  at: Date;
  type: string;
  preview: string | null;
  metaMessageId: string | null;
  /** Sends only (outbound_messages). */
  status: OutboundStatus | null;
  lastError: OutboundError | null;
  fetchPath: string | null;
  key: MessageKey;
}

export interface Page<T> {
  items: T[];
  more: boolean;
}

export interface MessageLogRepository {
  /** Inserts the row unless its event is there already; whether it was new. */
  insert(entry: MessageLogEntry): Promise<boolean>;
  /** Conversations of an integration, the one with the newest message first. */
  conversations(
    integrationId: string,
    page: { limit: number; after?: ConversationKey | undefined },
  ): Promise<Page<ConversationSummary>>;
  /** Received messages, echoes and sends of one conversation, newest first. */
  messages(
    integrationId: string,
    contactId: string,
    page: { limit: number; after?: MessageKey | undefined },
  ): Promise<Page<ConversationMessage>>;
}

/**
 * An echo of a send the gateway made itself is the same message as its outbound_messages row: shown
 * once, as the send (with its status). Echoes of the Page inbox's or the WhatsApp app's sends stay.
 */
const NOT_OWN_ECHO = `(m.direction = 'in' OR NOT EXISTS (
  SELECT 1 FROM outbound_messages e WHERE e.meta_message_id = m.meta_message_id))`;

/** Both sources as one relation: (src, id, contact_id, at, direction, type, preview, ...). */
const LOGGED = `SELECT 'l'::text AS src, m.event_id AS id, m.contact_id, m.occurred_at AS at,
    CASE m.direction WHEN 'in' THEN 'in' ELSE 'out' END AS direction, m.message_type AS type,
    m.preview, m.meta_message_id, NULL::text AS status, NULL::jsonb AS last_error,
    COALESCE(m.payload #>> '{media,fetchPath}', m.payload #>> '{attachments,0,fetchPath}') AS fetch_path
  FROM message_log m`;
const SENT = `SELECT 's'::text AS src, o.command_id AS id, o.recipient AS contact_id, o.created_at AS at,
    'out'::text AS direction, o.message_type AS type, o.preview, o.meta_message_id, o.status,
    o.last_error, NULL::text AS fetch_path
  FROM outbound_messages o`;

interface ConversationRow {
  contact_id: string;
  at: Date;
  at_key: string;
  direction: 'in' | 'out';
  preview: string | null;
  inbound_count: string;
  outbound_count: string;
}

interface MessageRow {
  src: MessageSource;
  id: string;
  at: Date;
  at_key: string;
  direction: 'in' | 'out';
  type: string;
  preview: string | null;
  meta_message_id: string | null;
  status: OutboundStatus | null;
  last_error: OutboundError | null;
  fetch_path: string | null;
}

const toMessage = (r: MessageRow): ConversationMessage => ({
  id: r.id,
  direction: r.direction,
  at: r.at,
  type: r.type,
  preview: r.preview,
  metaMessageId: r.meta_message_id,
  status: r.status,
  lastError: r.last_error,
  fetchPath: r.fetch_path,
  key: { at: r.at_key, source: r.src, id: r.id },
});

export function createMessageLogRepository(deps: { pool: Pool }): MessageLogRepository {
  const { pool } = deps;
  return {
    async insert(e) {
      const payload = JSON.stringify(e.payload, (_key, value) =>
        typeof value === 'string' ? storable(value) : value,
      );
      const { rowCount } = await pool.query(
        `INSERT INTO message_log (event_id, integration_id, channel, account_id, contact_id, direction,
           meta_message_id, message_type, preview, payload, occurred_at, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (event_id) DO NOTHING`,
        [
          e.eventId,
          e.integrationId,
          e.channel,
          storable(e.accountId),
          storable(e.contactId),
          e.direction,
          storable(e.metaMessageId),
          e.messageType,
          e.preview,
          payload,
          e.occurredAt,
          e.receivedAt,
        ],
      );
      return (rowCount ?? 0) > 0;
    },

    async conversations(integrationId, { limit, after }) {
      const params: unknown[] = [integrationId];
      const keyset = after
        ? `WHERE (l.at, l.contact_id) < ($${params.push(after.at)}::timestamptz, $${params.push(after.contactId)}::text)`
        : '';
      params.push(limit + 1);
      const { rows } = await pool.query<ConversationRow>(
        `WITH msgs AS (
           ${LOGGED} WHERE m.integration_id = $1 AND ${NOT_OWN_ECHO}
           UNION ALL
           ${SENT} WHERE o.integration_id = $1
         ), latest AS (
           SELECT DISTINCT ON (contact_id) contact_id, at, direction, preview
           FROM msgs ORDER BY contact_id, at DESC, src DESC, id DESC
         ), counts AS (
           SELECT contact_id, count(*) FILTER (WHERE direction = 'in') AS inbound_count,
                  count(*) FILTER (WHERE direction = 'out') AS outbound_count
           FROM msgs GROUP BY contact_id
         )
         SELECT l.contact_id, l.at, ${AT_KEY_SQL('l.at')} AS at_key, l.direction, l.preview,
                c.inbound_count, c.outbound_count
         FROM latest l JOIN counts c USING (contact_id)
         ${keyset}
         ORDER BY l.at DESC, l.contact_id DESC
         LIMIT $${params.length}`,
        params,
      );
      return {
        items: rows.slice(0, limit).map((r) => ({
          contactId: r.contact_id,
          lastMessageAt: r.at,
          lastDirection: r.direction,
          lastPreview: r.preview,
          inboundCount: Number(r.inbound_count),
          outboundCount: Number(r.outbound_count),
          key: { at: r.at_key, contactId: r.contact_id },
        })),
        more: rows.length > limit,
      };
    },

    async messages(integrationId, contactId, { limit, after }) {
      const params: unknown[] = [integrationId, contactId, limit + 1];
      // Each source is read newest first through its own index and cut at the page size; the
      // keyset (time, source, id) continues exactly after the previous page's last row.
      const keyset = (at: string, src: string, id: string) => {
        if (!after) return '';
        const [t, s, i] = [params.push(after.at), params.push(after.source), params.push(after.id)];
        return `AND ${at} <= $${t}::timestamptz AND (${at}, ${src}, ${id}) < ($${t}::timestamptz, $${s}::text, $${i}::text)`;
      };
      const { rows } = await pool.query<MessageRow>(
        `SELECT x.*, ${AT_KEY_SQL('x.at')} AS at_key FROM (
           (${LOGGED} WHERE m.integration_id = $1 AND m.contact_id = $2 AND ${NOT_OWN_ECHO}
              ${keyset('m.occurred_at', "'l'::text", 'm.event_id')}
            ORDER BY m.occurred_at DESC, m.event_id DESC LIMIT $3)
           UNION ALL
           (${SENT} WHERE o.integration_id = $1 AND o.recipient = $2
              ${keyset('o.created_at', "'s'::text", 'o.command_id')}
            ORDER BY o.created_at DESC, o.command_id DESC LIMIT $3)
         ) x
         ORDER BY x.at DESC, x.src DESC, x.id DESC
         LIMIT $3`,
        params,
      );
      return { items: rows.slice(0, limit).map(toMessage), more: rows.length > limit };
    },
  };
}
