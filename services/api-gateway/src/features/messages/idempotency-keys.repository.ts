import { createHash } from 'node:crypto';
import { type Pool, withTransaction } from '@omnistream/db';

/** What an Idempotency-Key stands for while it lives. */
export interface IdempotencyRecord {
  requestHash: string;
  commandId: string;
  /** Null until the command was acknowledged by Kafka: a retry must publish it (again). */
  publishedAt: Date | null;
  expiresAt: Date;
}

interface Row {
  request_hash: string;
  command_id: string;
  published_at: Date | null;
  expires_at: Date;
}

const toRecord = (r: Row): IdempotencyRecord => ({
  requestHash: r.request_hash,
  commandId: r.command_id,
  publishedAt: r.published_at,
  expiresAt: r.expires_at,
});

/** Another request with the same key held it longer than the lock timeout. */
export class IdempotencyKeyBusyError extends Error {
  override name = 'IdempotencyKeyBusyError';
}

export interface IdempotencyKeysRepository {
  /** The record under the key, or null when there is none or it expired. */
  find(scope: string, key: string): Promise<IdempotencyRecord | null>;
  /**
   * Stores the key unless a live record holds it (an expired one is replaced). Committed on its
   * own, before the publish, so that the command id survives a crash during the publish.
   */
  reserve(input: {
    scope: string;
    key: string;
    requestHash: string;
    commandId: string;
    ttlHours: number;
  }): Promise<void>;
  /**
   * Runs `fn` holding the key's row lock, so concurrent requests with the same key run one after
   * the other; `markPublished` takes effect when `fn` resolves, nothing does when it throws.
   * Everything `fn` does in PostgreSQL must go through the given client: waiting requests hold
   * pool connections, so asking the pool for another could wait for ever.
   */
  withLock<T>(
    scope: string,
    key: string,
    fn: (record: IdempotencyRecord | null, markPublished: () => Promise<void>) => Promise<T>,
  ): Promise<T>;
  /** Deletes expired keys (at most `batch`); returns how many. */
  purgeExpired(batch?: number): Promise<number>;
}

/** sha256 of the JSON with object keys sorted: the same body, however its keys were ordered. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function createIdempotencyKeysRepository(deps: {
  pool: Pool;
  /** How long a request waits for another one holding the same key. */
  lockTimeoutMs?: number;
}): IdempotencyKeysRepository {
  const { pool } = deps;
  const lockTimeoutMs = deps.lockTimeoutMs ?? 15_000;

  return {
    async find(scope, key) {
      const { rows } = await pool.query<Row>(
        'SELECT * FROM idempotency_keys WHERE scope = $1 AND key = $2 AND expires_at > now()',
        [scope, key],
      );
      return rows[0] ? toRecord(rows[0]) : null;
    },

    async reserve(input) {
      await pool.query(
        `INSERT INTO idempotency_keys (scope, key, request_hash, command_id, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5::float8 * 3600))
         ON CONFLICT (scope, key) DO UPDATE
           SET request_hash = EXCLUDED.request_hash, command_id = EXCLUDED.command_id,
               created_at = now(), expires_at = EXCLUDED.expires_at, published_at = NULL
           WHERE idempotency_keys.expires_at <= now()`,
        [input.scope, input.key, input.requestHash, input.commandId, input.ttlHours],
      );
    },

    withLock(scope, key, fn) {
      return withTransaction(pool, async (client) => {
        await client.query(`SELECT set_config('lock_timeout', $1, true)`, [`${lockTimeoutMs}ms`]);
        let rows: Row[];
        try {
          ({ rows } = await client.query<Row>(
            `SELECT * FROM idempotency_keys WHERE scope = $1 AND key = $2 AND expires_at > now() FOR UPDATE`,
            [scope, key],
          ));
        } catch (err) {
          if ((err as { code?: string }).code === '55P03') {
            throw new IdempotencyKeyBusyError('another request with the same Idempotency-Key is in progress');
          }
          throw err;
        }
        return fn(rows[0] ? toRecord(rows[0]) : null, async () => {
          await client.query(
            'UPDATE idempotency_keys SET published_at = now() WHERE scope = $1 AND key = $2',
            [scope, key],
          );
        });
      });
    },

    async purgeExpired(batch = 10_000) {
      const { rowCount } = await pool.query(
        `DELETE FROM idempotency_keys WHERE ctid IN (
           SELECT ctid FROM idempotency_keys WHERE expires_at <= now() LIMIT $1)`,
        [batch],
      );
      return rowCount ?? 0;
    },
  };
}
