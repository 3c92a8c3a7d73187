import { isDatabaseUnavailable } from '@omnistream/db';
import { AppError } from '@omnistream/service-kit';
import type { FastifyError, FastifyInstance } from 'fastify';

/** What a client is told to wait before retrying: the pool's connect timeout is of that order. */
const RETRY_AFTER_SECONDS = 5;

/** `err` as a 503 GW_DATABASE_UNAVAILABLE with Retry-After when PostgreSQL is unreachable or timed out; else null. */
export function databaseUnavailable(err: unknown): AppError | null {
  if (err instanceof AppError || !isDatabaseUnavailable(err)) return null;
  return new AppError('GW_DATABASE_UNAVAILABLE', 'the database is unavailable; retry later', {
    status: 503,
    cause: err,
    headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
  });
}

/**
 * In the scope it is registered in, an error saying PostgreSQL is down or timed out is answered
 * 503 with Retry-After instead of 500; every other error goes on to the service's error handler
 * unchanged (fastify hands an error thrown by a scope's handler to the parent scope's handler).
 * Timeouts (DATABASE_CONNECT_TIMEOUT_MS, DATABASE_QUERY_TIMEOUT_MS) bound how long that takes.
 */
export function answerDatabaseOutagesWith503(scope: FastifyInstance): void {
  scope.setErrorHandler((err: FastifyError) => {
    throw databaseUnavailable(err) ?? err;
  });
}
