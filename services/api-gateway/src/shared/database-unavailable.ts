import { isDatabaseUnavailable } from '@omnistream/db';
import { AppError } from '@omnistream/service-kit';

/** What a client is told to wait before retrying: the pool's connect timeout is of that order. */
const RETRY_AFTER_SECONDS = 5;

/**
 * `err` as a 503 GW_DATABASE_UNAVAILABLE with Retry-After when PostgreSQL is unreachable or timed
 * out, else null: the `translate` of the gateway's one error handler (app.ts), so an outage is
 * never a 500. Timeouts (DATABASE_CONNECT_TIMEOUT_MS, DATABASE_QUERY_TIMEOUT_MS) bound how long
 * finding out takes.
 */
export function databaseUnavailable(err: unknown): AppError | null {
  if (err instanceof AppError || !isDatabaseUnavailable(err)) return null;
  return new AppError('GW_DATABASE_UNAVAILABLE', 'the database is unavailable; retry later', {
    status: 503,
    cause: err,
    headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
  });
}
