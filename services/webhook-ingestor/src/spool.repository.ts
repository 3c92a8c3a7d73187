import type { Pool, PoolClient } from '@omnistream/db';
import type { OutgoingMessage } from '@omnistream/kafka';

export interface SpooledEvent {
  id: string;
  eventId: string;
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface SpoolRepository {
  /** Stores events; an event id already spooled (a Meta redelivery) is kept once. */
  insert(topic: string, messages: readonly SpoolMessage[]): Promise<void>;
  /**
   * Runs `deliver` on the oldest rows under a transaction-scoped advisory lock (one relay at a
   * time across instances, so rows leave in order) and deletes them only if it resolved.
   * Returns how many rows were delivered; 0 when empty or another instance holds the lock.
   */
  drain(limit: number, deliver: (rows: SpooledEvent[]) => Promise<void>): Promise<number>;
  count(): Promise<number>;
}

export interface SpoolMessage extends OutgoingMessage {
  eventId: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

const RELAY_LOCK_KEY = 7_351_002;

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

    async drain(limit, deliver) {
      const client: PoolClient = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rows: lock } = await client.query<{ ok: boolean }>(
          'SELECT pg_try_advisory_xact_lock($1) AS ok',
          [RELAY_LOCK_KEY],
        );
        if (!lock[0]?.ok) {
          await client.query('ROLLBACK');
          return 0;
        }
        const { rows } = await client.query<{
          id: string;
          event_id: string;
          topic: string;
          key: string;
          value: string;
          headers: Record<string, string>;
        }>('SELECT id, event_id, topic, key, value, headers FROM inbound_spool ORDER BY id LIMIT $1', [
          limit,
        ]);
        if (rows.length === 0) {
          await client.query('COMMIT');
          return 0;
        }
        await deliver(
          rows.map((r) => ({
            id: r.id,
            eventId: r.event_id,
            topic: r.topic,
            key: r.key,
            value: r.value,
            headers: r.headers,
          })),
        );
        await client.query('DELETE FROM inbound_spool WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
        await client.query('COMMIT');
        return rows.length;
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
  };
}
