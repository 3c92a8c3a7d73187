import type { ErrorCode } from './app-error.ts';

export interface DomainErrorOptions {
  /** Whether doing the same thing again can succeed (a consumer redelivers, a client retries). */
  retryable?: boolean;
  cause?: unknown;
  /** Extra, non-secret fields; the HTTP edge adds them to the response body. */
  details?: Record<string, unknown>;
}

/**
 * An error of code that knows nothing of HTTP (repositories, Kafka consumers, packages): a stable
 * code and whether retrying can help. registerErrorHandler maps its code to a status through one
 * table (DOMAIN_STATUS in error-handler.ts); AppError stays the error of the HTTP edge.
 */
export class DomainError extends Error {
  override name = 'DomainError';
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: DomainErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details;
  }
}
