import { createCoalescer, type Pool } from '@omnistream/db';
import { CLAIM_LIVE, type Row, toMessage } from './outbound-message.model.ts';
import type { OutboundMessagesRepository } from './outbound-messages.repository.ts';

/** Coalesced statements of one kind running at once (the pool has room for the other kinds). */
const COALESCED_IN_FLIGHT = 2;

/** The send path's three coalesced writes: claimForSend, markSending and markSent. */
export function createSendPathBatches(pool: Pool) {
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
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $7::text[], $8::text[])
             AS t(command_id, integration_id, channel, recipient, message_type, claimant, preview)),
         ins AS (
           INSERT INTO outbound_messages (command_id, integration_id, channel, recipient, message_type, status, history,
                                          claimed_by, claimed_at, preview)
           SELECT command_id, integration_id, channel, recipient, message_type, 'sending',
                  jsonb_build_array(jsonb_build_object('status', 'queued', 'at', $6::text),
                                    jsonb_build_object('status', 'sending', 'at', $6::text)),
                  claimant, now(), preview
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
        inputs.map((i) => i.preview ?? null),
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
  return { claimBatched, markSendingBatched, markSentBatched };
}
