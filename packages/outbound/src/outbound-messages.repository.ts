import type { Pool } from '@omnistream/db';
import {
  CLAIM_LIVE,
  type OutboundError,
  type OutboundMessage,
  type OutboundStatus,
  type Row,
  toMessage,
} from './outbound-message.model.ts';
import { createSendPathBatches } from './outbound-send-batches.ts';

export {
  type OutboundError,
  type OutboundMessage,
  type OutboundStatus,
  SENT_OR_LATER,
  type StatusChange,
} from './outbound-message.model.ts';

export interface OutboundMessagesRepository {
  /** Records a command as queued unless it is known already; returns the row either way (the API). */
  claim(input: {
    commandId: string;
    integrationId: string;
    channel: OutboundMessage['channel'];
    recipient: string;
    messageType: string;
    /** What a conversation view shows of it (outboundPreview). */
    preview?: string | null | undefined;
  }): Promise<OutboundMessage>;
  /**
   * The sender takes a command: a command seen for the first time is recorded as queued and, in
   * the same statement, as sending (`created: true`, attempts 0 until the first call is counted);
   * a known one (a redelivery, or a row the API created) is returned as it is, for the caller to
   * decide. One statement instead of a claim and a separate "sending" update: the sending status
   * only tells an admin the sender has the command; a redelivered command is skipped only when it
   * was sent (see SENT_OR_LATER), so the window in which a crash repeats a send does not move.
   *
   * `claimant` (the sender instance) is recorded on a new row; `claimLive` says whether the row's
   * claimant is a sender whose lease in sender_instances still runs (true for a new row): a row in
   * sending held by a live sender is being sent right now, one held by a dead sender is in doubt.
   */
  claimForSend(input: {
    commandId: string;
    integrationId: string;
    channel: OutboundMessage['channel'];
    recipient: string;
    messageType: string;
    preview?: string | null | undefined;
    claimant?: string | undefined;
  }): Promise<{ message: OutboundMessage; created: boolean; claimLive: boolean }>;
  /** The row as claimForSend returns an existing one, to watch a command another sender holds. */
  getClaim(commandId: string): Promise<{ message: OutboundMessage; claimLive: boolean } | null>;
  /**
   * Just before the Graph call: from here until markSent, a crash may repeat the send. Records
   * `claimant` as the row's holder (when given).
   */
  markSending(commandId: string, attempt: number, claimant?: string): Promise<void>;
  /**
   * Shutdown took the command back before its next Graph call (it was waiting for its pace or a
   * retry): queued again, so admins do not see a send nobody is making. The command is redelivered
   * to the next consumer, which sends it as usual.
   */
  markRequeued(commandId: string, note: string): Promise<void>;
  markSent(commandId: string, input: { metaMessageId: string | null; attempts: number }): Promise<void>;
  markFailed(commandId: string, input: { error: OutboundError; attempts: number }): Promise<void>;
  /** Records the last attempt's error while retrying (status stays sending). */
  recordAttemptError(commandId: string, input: { error: OutboundError; attempts: number }): Promise<void>;
  /**
   * A status webhook for a Meta message id, applied forward only (sent < delivered < read; failed
   * terminal). Returns 'applied', 'stale' (an older or equal status: ignored) or 'unknown' (no
   * message with that id, e.g. sent by another system).
   */
  applyStatus(input: {
    metaMessageId: string;
    status: 'sent' | 'delivered' | 'read' | 'played' | 'failed';
    at: string;
    error?: OutboundError;
  }): Promise<'applied' | 'stale' | 'unknown'>;
  get(commandId: string): Promise<OutboundMessage | null>;
  /**
   * An admin replay of a dead-lettered command: the sender skips failed commands as already
   * handled, so a failed row that Meta never accepted (no Meta message id) goes back to queued and
   * the replayed command is sent again. Any other row is left as it is. Returns the row after the
   * change (null when unknown) and whether it was requeued.
   */
  requeueFailed(
    commandId: string,
    input: { note: string },
  ): Promise<{ message: OutboundMessage | null; requeued: boolean }>;
}
const historyEntry = `jsonb_build_array(jsonb_strip_nulls(jsonb_build_object('status', $2::text, 'at', $3::text, 'error', $4::jsonb)))`;

/**
 * The statements of the send path (claim, sending, sent/failed, get) are named, so each pooled
 * connection parses and plans them once instead of on every command: at a few hundred commands
 * per second the planning was a large part of PostgreSQL's CPU.
 */
export function createOutboundMessagesRepository(deps: { pool: Pool }): OutboundMessagesRepository {
  const { pool } = deps;

  async function transition(
    commandId: string,
    status: OutboundStatus,
    sets: string,
    params: unknown[],
    error?: OutboundError,
  ) {
    // Forward only here too: a late "sending" from a retried attempt never hides "sent".
    await pool.query({
      name: `outbound_transition_${status}`,
      text: `UPDATE outbound_messages SET status = $2, ${sets}, updated_at = now(),
         history = history || ${historyEntry}
       WHERE command_id = $1 AND outbound_status_rank(status) < outbound_status_rank($2)`,
      values: [commandId, status, new Date().toISOString(), error ? JSON.stringify(error) : null, ...params],
    });
  }
  const { claimBatched, markSendingBatched, markSentBatched } = createSendPathBatches(pool);

  async function get(commandId: string): Promise<OutboundMessage | null> {
    const { rows } = await pool.query<Row>({
      name: 'outbound_get',
      text: 'SELECT * FROM outbound_messages WHERE command_id = $1',
      values: [commandId],
    });
    return rows[0] ? toMessage(rows[0]) : null;
  }

  return {
    async claim(input) {
      const { rows } = await pool.query<Row>({
        name: 'outbound_claim',
        text: `WITH ins AS (
           INSERT INTO outbound_messages (command_id, integration_id, channel, recipient, message_type, history, preview)
           VALUES ($1, $2, $3, $4, $5, jsonb_build_array(jsonb_build_object('status', 'queued', 'at', $6::text)), $7)
           ON CONFLICT (command_id) DO NOTHING RETURNING *)
         SELECT * FROM ins UNION ALL SELECT * FROM outbound_messages WHERE command_id = $1 LIMIT 1`,
        values: [
          input.commandId,
          input.integrationId,
          input.channel,
          input.recipient,
          input.messageType,
          new Date().toISOString(),
          input.preview ?? null,
        ],
      });
      return toMessage(rows[0] as Row);
    },

    claimForSend: (input) => claimBatched(input),

    markSending: (commandId, attempt, claimant) =>
      markSendingBatched({ commandId, attempt, claimant: claimant ?? null }),

    async getClaim(commandId) {
      const { rows } = await pool.query<Row & { claim_live: boolean }>({
        name: 'outbound_get_claim',
        text: `SELECT o.*, ${CLAIM_LIVE} AS claim_live FROM outbound_messages o WHERE o.command_id = $1`,
        values: [commandId],
      });
      const row = rows[0];
      return row ? { message: toMessage(row), claimLive: row.claim_live } : null;
    },

    markSent: (commandId, input) => markSentBatched({ commandId, ...input }),

    markFailed: (commandId, input) =>
      transition(
        commandId,
        'failed',
        'last_error = $4::jsonb, attempts = $5, failed_at = now()',
        [input.attempts],
        input.error,
      ),

    async markRequeued(commandId, note) {
      await pool.query(
        `UPDATE outbound_messages SET status = 'queued', updated_at = now(),
           history = history || jsonb_build_array(jsonb_build_object('status', 'queued', 'at', $2::text, 'note', $3::text))
         WHERE command_id = $1 AND status = 'sending'`,
        [commandId, new Date().toISOString(), note],
      );
    },

    async recordAttemptError(commandId, input) {
      await pool.query(
        `UPDATE outbound_messages SET last_error = $2::jsonb, attempts = $3, updated_at = now() WHERE command_id = $1`,
        [commandId, JSON.stringify(input.error), input.attempts],
      );
    },

    async applyStatus(input) {
      const column = {
        sent: 'sent_at',
        delivered: 'delivered_at',
        read: 'read_at',
        played: 'played_at',
        failed: 'failed_at',
      }[input.status];
      const { rowCount } = await pool.query(
        `UPDATE outbound_messages SET status = $2, ${column} = COALESCE(${column}, $3::timestamptz), updated_at = now(),
           last_error = COALESCE($4::jsonb, last_error),
           history = history || jsonb_build_array(jsonb_strip_nulls(jsonb_build_object('status', $2::text, 'at', $5::text, 'error', $4::jsonb)))
         WHERE meta_message_id = $1 AND outbound_status_rank(status) < outbound_status_rank($2)`,
        // $3 is typed timestamptz by its first use, so the history gets its own ISO text ($5):
        // `$3::text` would render PostgreSQL's format ("2026-11-21 17:40:18+00"), unlike every other entry.
        [
          input.metaMessageId,
          input.status,
          input.at,
          input.error ? JSON.stringify(input.error) : null,
          new Date(input.at).toISOString(),
        ],
      );
      if (rowCount) return 'applied';
      const { rows } = await pool.query('SELECT 1 FROM outbound_messages WHERE meta_message_id = $1', [
        input.metaMessageId,
      ]);
      return rows.length > 0 ? 'stale' : 'unknown';
    },

    get,

    async requeueFailed(commandId, input) {
      // The one move against outbound_status_rank, and only from failed-before-Meta-accepted: a
      // message Meta accepted and later reported failed (a delivery failure) is never sent again.
      const { rows } = await pool.query<Row>(
        `UPDATE outbound_messages SET status = 'queued', failed_at = NULL, updated_at = now(),
           history = history || jsonb_build_array(jsonb_build_object('status', 'queued', 'at', $2::text, 'note', $3::text))
         WHERE command_id = $1 AND status = 'failed' AND meta_message_id IS NULL
         RETURNING *`,
        [commandId, new Date().toISOString(), input.note],
      );
      if (rows[0]) return { message: toMessage(rows[0]), requeued: true };
      return { message: await get(commandId), requeued: false };
    },
  };
}
