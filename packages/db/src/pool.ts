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
  /** A new connection must be ready within this (default 5 s), or the checkout fails. */
  connectTimeoutMs?: number;
  /**
   * Each query must answer within this: the server cancels it (statement_timeout) and the client
   * gives up on it (query_timeout) even when the network black-holes the connection. Default: none
   * (migrations may take long).
   */
  queryTimeoutMs?: number;
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
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    ...(options.queryTimeoutMs === undefined
      ? {}
      : {
          statement_timeout: options.queryTimeoutMs,
          // A little later than the server's own cancel, which says more when the server is there.
          query_timeout: options.queryTimeoutMs + 1_000,
        }),
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
  let result: T;
  try {
    await client.query('BEGIN');
    result = await fn(client);
    await client.query('COMMIT');
  } catch (err) {
    // A connection that cannot even roll back (dropped, timed out) is destroyed, not pooled again.
    const broken = await client.query('ROLLBACK').then(
      () => undefined,
      (rollbackErr: Error) => rollbackErr,
    );
    client.release(broken);
    throw err;
  }
  client.release();
  return result;
}

// pg reports a lost or unreachable server with socket codes, SQLSTATEs or bare messages.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '53300', // too_many_connections
  '57014', // query_canceled: statement_timeout expired
]);
const UNREACHABLE_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Query read timeout',
  'is not queryable',
];

/**
 * Whether `err` says PostgreSQL could not be reached or did not answer in time (connection
 * refused, dropped or timed out, server shutting down or full, statement timeout), as opposed to
 * a query the server refused. Callers answer the first with "unavailable, retry".
 * https://www.postgresql.org/docs/current/errcodes-appendix.html (class 08, 53300, 57P0x, 57014)
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08'))) return true;
  if (UNREACHABLE_MESSAGES.some((m) => err.message.includes(m))) return true;
  return err instanceof AggregateError && err.errors.some(isDatabaseUnavailable);
}
