import { createCoalescer, type Pool } from '@omnistream/db';

export type OutboundStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'played' | 'failed';

export interface OutboundError {
  code: string;
  message: string;
  retryable: boolean;
  metaCode?: number | undefined;
  metaSubcode?: number | undefined;
  fbtraceId?: string | undefined;
}

export interface StatusChange {
  status: OutboundStatus;
  at: string;
  error?: OutboundError;
  /** Why a status was set by hand rather than by a send (an admin's replay). */
  note?: string;
}

export interface OutboundMessage {
  commandId: string;
  integrationId: string;
  channel: 'whatsapp' | 'instagram' | 'messenger';
  recipient: string;
  messageType: string;
  status: OutboundStatus;
  metaMessageId: string | null;
  attempts: number;
  lastError: OutboundError | null;
  history: StatusChange[];
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
  /** WhatsApp voice messages: when the customer played it (after read). */
  playedAt: Date | null;
  failedAt: Date | null;
  /** The sender instance that last took the command (claim or Graph attempt), and when. */
  claimedBy: string | null;
  claimedAt: Date | null;
}

/** Already sent (or later): a redelivered command must not be sent again. */
export const SENT_OR_LATER: ReadonlySet<OutboundStatus> = new Set(['sent', 'delivered', 'read', 'played']);

interface Row {
  command_id: string;
  integration_id: string;
  channel: OutboundMessage['channel'];
  recipient: string;
  message_type: string;
  status: OutboundStatus;
  meta_message_id: string | null;
  attempts: number;
  last_error: OutboundError | null;
  history: StatusChange[];
  created_at: Date;
  updated_at: Date;
  sent_at: Date | null;
  delivered_at: Date | null;
  read_at: Date | null;
  played_at: Date | null;
  failed_at: Date | null;
  claimed_by: string | null;
  claimed_at: Date | null;
}

const toMessage = (r: Row): OutboundMessage => ({
  commandId: r.command_id,
  integrationId: r.integration_id,
  channel: r.channel,
  recipient: r.recipient,
  messageType: r.message_type,
  status: r.status,
  metaMessageId: r.meta_message_id,
  attempts: r.attempts,
  lastError: r.last_error,
  history: r.history,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  sentAt: r.sent_at,
  deliveredAt: r.delivered_at,
  readAt: r.read_at,
  playedAt: r.played_at,
  failedAt: r.failed_at,
  claimedBy: r.claimed_by,
  claimedAt: r.claimed_at,
});

export interface OutboundMessagesRepository {
  /** Records a command as queued unless it is known already; returns the row either way (the API). */
  claim(input: {
    commandId: string;
    integrationId: string;
    channel: OutboundMessage['channel'];
    recipient: string;
    messageType: string;
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

/** Whether row `o`'s claimant is a sender whose lease still runs (see sender-instances.repository.ts). */
const CLAIM_LIVE = `EXISTS (SELECT 1 FROM sender_instances s WHERE s.instance_id = o.claimed_by AND s.lease_until > now())`;

/** Coalesced statements of one kind running at once (the pool has room for the other kinds). */
const COALESCED_IN_FLIGHT = 2;

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

  // The send path's three writes (claim, sending, sent) are coalesced: calls made while earlier
  // ones are in flight share one statement (one round trip, one commit), see createCoalescer. Each
  // call still resolves only after its own row is committed, so the order of a send (claimed,
  // marked sending, Graph call, marked sent, result, offset) is unchanged; under load, PostgreSQL
  // commits far fewer times. Unnested arrays keep each statement's text, and so its plan, fixed.
  const coalesce = <I, O>(run: (inputs: I[]) => Promise<O[]>) =>
    createCoalescer<I, O>({ run, maxBatch: 200, maxInFlight: COALESCED_IN_FLIGHT });

  type ClaimInput = Parameters<OutboundMessagesRepository['claimForSend']>[0];
  type Claimed = Awaited<ReturnType<OutboundMessagesRepository['claimForSend']>>;
  const claimBatched = coalesce<ClaimInput, Claimed>(async (inputs) => {
    const { rows } = await pool.query<Row & { created: boolean; claim_live: boolean }>({
      name: 'outbound_claim_for_send',
      text: `WITH input AS (
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $7::text[])
             AS t(command_id, integration_id, channel, recipient, message_type, claimant)),
         ins AS (
           INSERT INTO outbound_messages (command_id, integration_id, channel, recipient, message_type, status, history,
                                          claimed_by, claimed_at)
           SELECT command_id, integration_id, channel, recipient, message_type, 'sending',
                  jsonb_build_array(jsonb_build_object('status', 'queued', 'at', $6::text),
                                    jsonb_build_object('status', 'sending', 'at', $6::text)),
                  claimant, now()
           FROM input
           ON CONFLICT (command_id) DO NOTHING RETURNING *)
         SELECT *, true AS created, true AS claim_live FROM ins
         UNION ALL
         SELECT o.*, false AS created, ${CLAIM_LIVE} AS claim_live
         FROM outbound_messages o WHERE o.command_id IN (SELECT command_id FROM input)`,
      values: [
        inputs.map((i) => i.commandId),
        inputs.map((i) => i.integrationId),
        inputs.map((i) => i.channel),
        inputs.map((i) => i.recipient),
        inputs.map((i) => i.messageType),
        new Date().toISOString(),
        inputs.map((i) => i.claimant ?? null),
      ],
    });
    // Rows inserted now come from `ins`; rows that existed come from the table (the statement's
    // snapshot does not see its own inserts, so no row appears twice).
    const byId = new Map(rows.map((r) => [r.command_id, r]));
    return inputs.map((i) => {
      const row = byId.get(i.commandId);
      if (!row) throw new Error(`claim returned no row for command ${i.commandId}`);
      return { message: toMessage(row), created: row.created, claimLive: row.claim_live };
    });
  });

  type SendingInput = { commandId: string; attempt: number; claimant: string | null };
  const markSendingBatched = coalesce<SendingInput, void>(async (inputs) => {
    await pool.query({
      name: 'outbound_mark_sending_many',
      text: `UPDATE outbound_messages o SET status = 'sending', attempts = v.attempt, updated_at = now(),
           claimed_by = COALESCE(v.claimant, o.claimed_by), claimed_at = now(),
           history = CASE WHEN o.status = 'sending' THEN o.history
                     ELSE o.history || jsonb_build_array(jsonb_build_object('status', 'sending', 'at', $3::text)) END
         FROM unnest($1::text[], $2::int[], $4::text[]) AS v(command_id, attempt, claimant)
         WHERE o.command_id = v.command_id AND o.status IN ('queued', 'sending')`,
      values: [
        inputs.map((i) => i.commandId),
        inputs.map((i) => i.attempt),
        new Date().toISOString(),
        inputs.map((i) => i.claimant),
      ],
    });
    return inputs.map(() => undefined);
  });

  type SentInput = { commandId: string; metaMessageId: string | null; attempts: number };
  const markSentBatched = coalesce<SentInput, void>(async (inputs) => {
    // Forward only, as in transition(): a late "sending" never hides "sent" and "sent" never
    // overwrites delivered, read or failed.
    await pool.query({
      name: 'outbound_mark_sent_many',
      text: `UPDATE outbound_messages o SET status = 'sent', meta_message_id = v.meta_message_id,
           attempts = v.attempts, sent_at = now(), last_error = NULL, updated_at = now(),
           history = o.history || jsonb_build_array(jsonb_build_object('status', 'sent', 'at', $4::text))
         FROM unnest($1::text[], $2::text[], $3::int[]) AS v(command_id, meta_message_id, attempts)
         WHERE o.command_id = v.command_id AND outbound_status_rank(o.status) < outbound_status_rank('sent')`,
      values: [
        inputs.map((i) => i.commandId),
        inputs.map((i) => i.metaMessageId),
        inputs.map((i) => i.attempts),
        new Date().toISOString(),
      ],
    });
    return inputs.map(() => undefined);
  });

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
           INSERT INTO outbound_messages (command_id, integration_id, channel, recipient, message_type, history)
           VALUES ($1, $2, $3, $4, $5, jsonb_build_array(jsonb_build_object('status', 'queued', 'at', $6::text)))
           ON CONFLICT (command_id) DO NOTHING RETURNING *)
         SELECT * FROM ins UNION ALL SELECT * FROM outbound_messages WHERE command_id = $1 LIMIT 1`,
        values: [
          input.commandId,
          input.integrationId,
          input.channel,
          input.recipient,
          input.messageType,
          new Date().toISOString(),
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
