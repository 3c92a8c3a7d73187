import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode } from './app-error.ts';
import { DomainError } from './domain-error.ts';
import { drainRequest } from './drain-request.ts';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string; [key: string]: unknown };
}

// Fastify's own client errors, mapped once so no route has to.
const FASTIFY_CODES: Record<string, { code: ErrorCode; status: number; message?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'GW_PAYLOAD_TOO_LARGE',
    status: 413,
    message: 'request body is too large',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'GW_UNSUPPORTED_MEDIA_TYPE',
    status: 415,
    message: 'unsupported content type; send application/json',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'GW_BAD_REQUEST',
    status: 400,
    message: 'invalid content-length',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'GW_INVALID_JSON', status: 400, message: 'empty JSON body' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'GW_INVALID_JSON', status: 400, message: 'body is not valid JSON' },
  FST_ERR_VALIDATION: { code: 'GW_VALIDATION', status: 400 },
};

/**
 * The one table from an error code to the HTTP status a DomainError answers with. A Record over
 * every code, so adding a code to ErrorCode does not compile until it has a status here.
 */
export const DOMAIN_STATUS: Readonly<Record<ErrorCode, number>> = {
  GW_BAD_REQUEST: 400,
  GW_VALIDATION: 400,
  GW_INVALID_CURSOR: 400,
  GW_INVALID_JSON: 400,
  GW_UNSUPPORTED_MEDIA_TYPE: 415,
  GW_PAYLOAD_TOO_LARGE: 413,
  GW_SIGNATURE_MISMATCH: 401,
  GW_VERIFY_TOKEN_MISMATCH: 403,
  GW_OBJECT_MISMATCH: 400,
  GW_UNAUTHORIZED: 401,
  GW_FORBIDDEN: 403,
  GW_NOT_FOUND: 404,
  GW_CONFLICT: 409,
  GW_GONE: 410,
  GW_IDEMPOTENCY_KEY_REUSED: 422,
  GW_TOKEN_REJECTED: 400,
  GW_RATE_LIMITED: 429,
  GW_SHUTTING_DOWN: 503,
  GW_REQUEST_TIMEOUT: 504,
  GW_UNAVAILABLE: 503,
  GW_DATABASE_UNAVAILABLE: 503,
  GW_UPSTREAM: 502,
  GW_INTERNAL: 500,
};

/** A DomainError at the HTTP edge: its status from DOMAIN_STATUS, its code, message and details. */
export function domainToAppError(err: DomainError): AppError {
  return new AppError(err.code, err.message, {
    status: DOMAIN_STATUS[err.code],
    retryable: err.retryable,
    cause: err,
    details: err.details,
  });
}

interface ValidationItem {
  instancePath?: string;
  message?: string;
}

/**
 * Schema validation failures (fastify's own and fastify-type-provider-zod's) carry one item per
 * problem; the client gets each field path at fault, e.g. `body.message.text`.
 */
function validationError(fe: FastifyError): AppError | null {
  const items = (fe as { validation?: unknown }).validation;
  if (!Array.isArray(items)) return null;
  const context = (fe as { validationContext?: string }).validationContext ?? 'body';
  const issues = (items as ValidationItem[]).map((v) => {
    const segments = (v.instancePath ?? '').split('/').filter(Boolean);
    return { path: [context, ...segments].join('.'), message: v.message ?? 'is invalid' };
  });
  const message = `invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`;
  return new AppError('GW_VALIDATION', message, { status: 400, cause: fe, details: { issues } });
}

function toAppError(err: FastifyError | AppError | Error): AppError | null {
  if (err instanceof AppError) return err;
  if (err instanceof DomainError) return domainToAppError(err);
  const fe = err as FastifyError;
  const invalid = validationError(fe);
  if (invalid) return invalid;
  const known = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (known)
    return new AppError(known.code, known.message ?? fe.message, { status: known.status, cause: err });
  if (err instanceof SyntaxError && (fe.statusCode === 400 || 'body' in err)) {
    return new AppError('GW_INVALID_JSON', 'body is not valid JSON', { status: 400, cause: err });
  }
  // Other client errors fastify raised itself (e.g. malformed URL encoding) keep their 4xx.
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new AppError('GW_BAD_REQUEST', fe.message, { status: fe.statusCode, cause: err });
  }
  return null;
}

/**
 * A route that answers its failures in a form of its own (an HTML page for a browser flow): sends
 * (and logs) the answer and returns the reply, or returns undefined to leave the error to the JSON
 * answer. `err` is what `translate` made of the error, else the error as thrown.
 */
export type FailureResponder = (
  err: FastifyError | AppError,
  request: FastifyRequest,
  reply: FastifyReply,
) => FastifyReply | undefined;

export interface ErrorHandlerOptions {
  /**
   * Runs before the mapping below: the AppError a service-specific error stands for (e.g. its
   * database being unreachable as a 503 with Retry-After), or null to map the error as usual.
   */
  translate?: ((err: FastifyError | Error) => AppError | null) | undefined;
  /** Runs after `translate`, before the JSON answer; see FailureResponder. */
  respond?: FailureResponder | undefined;
}

/**
 * One error handler per service: AppErrors and fastify's client errors become
 * `{ error: { code, message, requestId } }` with their status; anything else is a 500 whose
 * message is hidden from the client and logged under an error id. Without options that is all it
 * does; `translate` and `respond` let a service add its own errors and answer forms without a
 * second handler (fastify hands an error only to the nearest scope's handler).
 */
export function registerErrorHandler(app: FastifyInstance, options: ErrorHandlerOptions = {}): void {
  app.setErrorHandler(async (thrown: FastifyError, request, reply) => {
    const err = options.translate?.(thrown) ?? thrown;
    const answered = options.respond?.(err, request, reply);
    if (answered !== undefined) return answered;
    const mapped = toAppError(err);
    if (mapped) {
      if (mapped.status >= 500) request.log.error({ err }, mapped.message);
      else request.log.info({ code: mapped.code, status: mapped.status }, mapped.message);
      if (mapped.headers) void reply.headers(mapped.headers);
      // A client still sending a refused body reads the 413 only once it has finished sending.
      if (mapped.status === 413) await drainRequest(request.raw);
      const body: ErrorBody = {
        error: {
          ...mapped.details,
          code: mapped.code,
          message: mapped.message,
          requestId: String(request.id),
        },
      };
      return reply.status(mapped.status).send(body);
    }
    const errorId = randomUUID();
    request.log.error({ err, errorId }, 'unexpected error');
    const body: ErrorBody = {
      error: {
        code: 'GW_INTERNAL',
        message: `internal error (id ${errorId})`,
        requestId: String(request.id),
      },
    };
    return reply.status(500).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = {
      error: {
        code: 'GW_NOT_FOUND',
        message: `no route for ${request.method} ${request.url.split('?')[0]}`,
        requestId: String(request.id),
      },
    };
    return reply.status(404).send(body);
  });
}
