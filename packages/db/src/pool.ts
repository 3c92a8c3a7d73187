import type { Logger } from '@omnistream/logger';
import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
export type Queryable = Pick<pg.Pool, 'query'>;

export interface CreatePoolOptions {
  connectionString: string;
  max?: number;
  logger: Logger;
  /** Shown in pg_stat_activity so a DBA can tell the services apart. */
  applicationName?: string;
}

/**
 * A pg pool that never crashes the process: an idle client's error (server restart, network cut)
 * is logged and the client discarded; the next query gets a fresh connection.
 */
export function createPool(options: CreatePoolOptions): Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'omnistream',
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', (err) => options.logger.warn({ err }, 'idle PostgreSQL client failed; it was discarded'));
  // pg-pool listens for errors only on idle clients. A checked-out client whose connection drops
  // between queries (the spool relay holds one while Kafka acknowledges) would emit 'error' with no
  // listener, an uncaught exception that ends the process. Its next query fails instead, and the
  // holder releases it as broken.
  pool.on('connect', (client) => {
    client.on('error', (err) => {
      if (client.listenerCount('error') === 1)
        options.logger.warn({ err }, 'PostgreSQL connection of a client in use failed');
    });
  });
  return pool;
}

/** Runs `fn` inside BEGIN/COMMIT, rolling back on any error. */
export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
