import type { Pool, PoolClient } from '@omnistream/db';
import type { OutgoingMessage } from '@omnistream/kafka';
import type { PublishFailure } from './publish-error.ts';

export interface SpooledEvent {
  id: string;
  eventId: string;
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** Why an event leaves the spool for the quarantine (see publish-error.ts). */
export type QuarantineVerdict = Extract<PublishFailure, { kind: 'quarantine' }>;

/** What one relay delivery did: rows not named in `quarantine` were acknowledged by Kafka. */
export interface DeliveryOutcome {
  /** Spool row id → why Kafka refused it for good. */
  quarantine: ReadonlyMap<string, QuarantineVerdict>;
}

export interface SpoolStats {
  depth: number;
  /** id of the oldest row (the relay's head); null when empty. */
  head: string | null;
  oldestAgeSeconds: number;
  quarantined: number;
}

export interface SpoolRepository {
  /** Stores events; an event id already spooled (a Meta redelivery) is kept once. */
  insert(topic: string, messages: readonly SpoolMessage[]): Promise<void>;
  /** Stores events refused before reaching Kafka straight into the quarantine. */
  quarantine(
    topic: string,
    entries: readonly { message: SpoolMessage; verdict: QuarantineVerdict }[],
  ): Promise<void>;
  /**
   * Runs `deliver` on the oldest rows (at most `limit` rows and about `maxBytes` of values, at least
   * one row) under a transaction-scoped advisory lock (one relay at a time across instances, so rows
   * leave in order). If it resolves, its rows leave the spool in the same transaction: the ones it
   * names move to the quarantine, the rest are deleted. Returns 0 rows when empty or another instance
   * holds the lock.
   */
  drain(
    limit: number,
    maxBytes: number,
    deliver: (rows: SpooledEvent[]) => Promise<DeliveryOutcome>,
  ): Promise<{ rows: number; quarantined: QuarantineVerdict[] }>;
  count(): Promise<number>;
  stats(): Promise<SpoolStats>;
}

export interface SpoolMessage extends OutgoingMessage {
  eventId: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

const RELAY_LOCK_KEY = 7_351_002;

// A refusal of an event already quarantined (Meta redelivered its webhook, or an admin retried it)
// adds an attempt to the row that is there.
const ON_REFUSED_AGAIN = `ON CONFLICT (event_id) DO UPDATE SET
  attempts = inbound_spool_quarantine.attempts + 1, last_attempt_at = now(), reason = excluded.reason,
  error_code = excluded.error_code, error_message = excluded.error_message`;

export function createSpoolRepository(deps: { pool: Pool }): SpoolRepository {
  const { pool } = deps;
  return {
    async insert(topic, messages) {
      if (messages.length === 0) return;
      // One round trip for the whole webhook, whatever its size.
      await pool.query(
        `INSERT INTO inbound_spool (event_id, topic, key, value, headers)
         SELECT e, $1, k, v, h::jsonb FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS t(e, k, v, h)
         ON CONFLICT (event_id) DO NOTHING`,
        [
          topic,
          messages.map((m) => m.eventId),
          messages.map((m) => m.key),
          messages.map((m) => m.value),
          messages.map((m) => JSON.stringify(m.headers)),
        ],
      );
    },

    async quarantine(topic, entries) {
      if (entries.length === 0) return;
      await pool.query(
        `INSERT INTO inbound_spool_quarantine (event_id, topic, key, value, headers, value_bytes, reason,
           error_code, error_message, accepted_at, first_attempt_at, last_attempt_at)
         SELECT e, $1, k, v, h::jsonb, octet_length(v), r, c, m, now(), now(), now()
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
           AS t(e, k, v, h, r, c, m)
         ${ON_REFUSED_AGAIN}`,
        [
          topic,
          entries.map((q) => q.message.eventId),
          entries.map((q) => q.message.key),
          entries.map((q) => q.message.value),
          entries.map((q) => JSON.stringify(q.message.headers)),
          entries.map((q) => q.verdict.reason),
          entries.map((q) => q.verdict.code),
          entries.map((q) => q.verdict.message),
        ],
      );
    },

    async drain(limit, maxBytes, deliver) {
      const client: PoolClient = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rows: lock } = await client.query<{ ok: boolean }>(
          'SELECT pg_try_advisory_xact_lock($1) AS ok',
          [RELAY_LOCK_KEY],
        );
        if (!lock[0]?.ok) {
          await client.query('ROLLBACK');
          return { rows: 0, quarantined: [] };
        }
        // octet_length of a stored value is read from its TOAST header, without decompressing it.
        const { rows } = await client.query<{
          id: string;
          event_id: string;
          topic: string;
          key: string;
          value: string;
          headers: Record<string, string>;
        }>(
          `SELECT id, event_id, topic, key, value, headers FROM (
             SELECT *, sum(octet_length(value)) OVER (ORDER BY id) - octet_length(value) AS before
             FROM (SELECT * FROM inbound_spool ORDER BY id LIMIT $1) head
           ) w WHERE before < $2 ORDER BY id`,
          [limit, maxBytes],
        );
        if (rows.length === 0) {
          await client.query('COMMIT');
          return { rows: 0, quarantined: [] };
        }
        const outcome = await deliver(
          rows.map((r) => ({
            id: r.id,
            eventId: r.event_id,
            topic: r.topic,
            key: r.key,
            value: r.value,
            headers: r.headers,
          })),
        );
        const moved = [...outcome.quarantine];
        if (moved.length > 0) {
          await client.query(
            `INSERT INTO inbound_spool_quarantine (event_id, topic, key, value, headers, value_bytes, reason,
               error_code, error_message, attempts, accepted_at, first_attempt_at, last_attempt_at)
             SELECT s.event_id, s.topic, s.key, s.value, s.headers, octet_length(s.value), q.r, q.c, q.m,
               s.refused_attempts + 1, s.created_at, coalesce(s.first_refused_at, now()), now()
             FROM inbound_spool s
             JOIN unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS q(id, r, c, m) ON s.id = q.id
             ${ON_REFUSED_AGAIN}`,
            [
              moved.map(([id]) => id),
              moved.map(([, v]) => v.reason),
              moved.map(([, v]) => v.code),
              moved.map(([, v]) => v.message),
            ],
          );
        }
        await client.query('DELETE FROM inbound_spool WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
        await client.query('COMMIT');
        return { rows: rows.length, quarantined: moved.map(([, v]) => v) };
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },

    async count() {
      const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM inbound_spool');
      return rows[0]?.n ?? 0;
    },

    async stats() {
      const { rows } = await pool.query<{
        depth: number;
        head: string | null;
        oldest_age: number | null;
        quarantined: number;
      }>(
        `SELECT (SELECT count(*) FROM inbound_spool)::int AS depth, h.id AS head,
           extract(epoch FROM clock_timestamp() - h.created_at)::float8 AS oldest_age,
           (SELECT count(*) FROM inbound_spool_quarantine)::int AS quarantined
         FROM (SELECT 1) one
         LEFT JOIN LATERAL (SELECT id, created_at FROM inbound_spool ORDER BY id LIMIT 1) h ON true`,
      );
      const r = rows[0];
      return {
        depth: r?.depth ?? 0,
        head: r?.head ?? null,
        oldestAgeSeconds: Math.max(0, r?.oldest_age ?? 0),
        quarantined: r?.quarantined ?? 0,
      };
    },
  };
}
