/** Every error code a client can see. Adding one here is adding to the public contract. */
export type ErrorCode =
  | 'GW_BAD_REQUEST'
  | 'GW_VALIDATION'
  | 'GW_INVALID_CURSOR'
  | 'GW_INVALID_JSON'
  | 'GW_UNSUPPORTED_MEDIA_TYPE'
  | 'GW_PAYLOAD_TOO_LARGE'
  | 'GW_SIGNATURE_MISMATCH'
  | 'GW_VERIFY_TOKEN_MISMATCH'
  | 'GW_OBJECT_MISMATCH'
  | 'GW_UNAUTHORIZED'
  | 'GW_FORBIDDEN'
  | 'GW_NOT_FOUND'
  | 'GW_CONFLICT'
  | 'GW_GONE'
  | 'GW_IDEMPOTENCY_KEY_REUSED'
  | 'GW_TOKEN_REJECTED'
  | 'GW_RATE_LIMITED'
  | 'GW_SHUTTING_DOWN'
  | 'GW_REQUEST_TIMEOUT'
  | 'GW_UNAVAILABLE'
  | 'GW_DATABASE_UNAVAILABLE'
  | 'GW_UPSTREAM'
  | 'GW_INTERNAL';

export interface AppErrorOptions {
  status: number;
  retryable?: boolean;
  cause?: unknown;
  /** Extra, non-secret fields for the response body (e.g. validation issues). */
  details?: Record<string, unknown>;
  /** Response headers such as Retry-After. */
  headers?: Record<string, string>;
}

/**
 * The one error model: a stable code, the HTTP status it maps to, and whether retrying can help.
 * Services throw these; one error handler per service turns them into responses.
 */
export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.retryable = options.retryable ?? options.status >= 500;
    this.details = options.details;
    this.headers = options.headers;
  }
}
