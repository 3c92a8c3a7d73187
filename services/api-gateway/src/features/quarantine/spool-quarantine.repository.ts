import type { Pool } from '@omnistream/db';

/**
 * An inbound event the webhook-ingestor could not publish for good (inbound_spool_quarantine,
 * migrations/008_spool_quarantine.sql), without its value: listings never read the event itself.
 */
export interface QuarantinedEvent {
  id: number;
  eventId: string;
  topic: string;
  key: string;
  kind: string | null;
  reason: string;
  errorCode: string;
  errorMessage: string;
  attempts: number;
  sizeBytes: number;
  acceptedAt: Date;
  firstAttemptAt: Date;
  lastAttemptAt: Date;
  quarantinedAt: Date;
}

export interface SpoolQuarantineRepository {
  /** Newest first; `before` is the id of the last item of the previous page. */
  list(
    filter: { reason?: string | undefined },
    page: { limit: number; before?: number | undefined },
  ): Promise<{ items: QuarantinedEvent[]; more: boolean }>;
  /**
   * Moves the event back to the end of inbound_spool, where the ingestor's relay offers it to Kafka
   * again, keeping its attempts so another refusal counts on. Null when there is no such row.
   */
  retry(id: number): Promise<QuarantinedEvent | null>;
  /** Deletes it for good; null when there is no such row. */
  drop(id: number): Promise<QuarantinedEvent | null>;
}

interface Row {
  id: string;
  event_id: string;
  topic: string;
  key: string;
  kind: string | null;
  reason: string;
  error_code: string;
  error_message: string;
  attempts: number;
  value_bytes: number;
  accepted_at: Date;
  first_attempt_at: Date;
  last_attempt_at: Date;
  quarantined_at: Date;
}

const COLUMNS = `id, event_id, topic, key, headers->>'event-kind' AS kind, reason, error_code, error_message,
  attempts, value_bytes, accepted_at, first_attempt_at, last_attempt_at, quarantined_at`;

const toEvent = (r: Row): QuarantinedEvent => ({
  id: Number(r.id),
  eventId: r.event_id,
  topic: r.topic,
  key: r.key,
  kind: r.kind,
  reason: r.reason,
  errorCode: r.error_code,
  errorMessage: r.error_message,
  attempts: r.attempts,
  sizeBytes: r.value_bytes,
  acceptedAt: r.accepted_at,
  firstAttemptAt: r.first_attempt_at,
  lastAttemptAt: r.last_attempt_at,
  quarantinedAt: r.quarantined_at,
});

export function createSpoolQuarantineRepository(deps: { pool: Pool }): SpoolQuarantineRepository {
  const { pool } = deps;
  return {
    async list(filter, { limit, before }) {
      const params: unknown[] = [];
      const conditions: string[] = [];
      if (filter.reason !== undefined) {
        params.push(filter.reason);
        conditions.push(`reason = $${params.length}`);
      }
      if (before !== undefined) {
        params.push(before);
        conditions.push(`id < $${params.length}`);
      }
      params.push(limit + 1);
      const { rows } = await pool.query<Row>(
        `SELECT ${COLUMNS} FROM inbound_spool_quarantine
         ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
         ORDER BY id DESC LIMIT $${params.length}`,
        params,
      );
      return { items: rows.slice(0, limit).map(toEvent), more: rows.length > limit };
    },

    async retry(id) {
      // One statement, so the event is in exactly one of the two tables at any time. An event that is
      // in the spool already (Meta redelivered its webhook) stays there once.
      const { rows } = await pool.query<Row>(
        `WITH moved AS (
           DELETE FROM inbound_spool_quarantine WHERE id = $1 RETURNING *
         ), requeued AS (
           INSERT INTO inbound_spool (event_id, topic, key, value, headers, refused_attempts, first_refused_at)
           SELECT event_id, topic, key, value, headers, attempts, first_attempt_at FROM moved
           ON CONFLICT (event_id) DO NOTHING
         )
         SELECT ${COLUMNS} FROM moved`,
        [id],
      );
      return rows[0] ? toEvent(rows[0]) : null;
    },

    async drop(id) {
      const { rows } = await pool.query<Row>(
        `DELETE FROM inbound_spool_quarantine WHERE id = $1 RETURNING ${COLUMNS}`,
        [id],
      );
      return rows[0] ? toEvent(rows[0]) : null;
    },
  };
}
