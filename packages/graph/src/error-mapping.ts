import type { IncomingHttpHeaders } from 'node:http';
import { classify } from './error-codes.ts';
import { GraphError, GraphNetworkError, GraphTimeoutError, type TimeoutPhase } from './errors.ts';
import { parseBusinessUseCaseWait, parseRetryAfter } from './retry-after.ts';
import type { Scrub } from './scrub.ts';

export interface ResponseErrorInput {
  httpStatus: number;
  headers: IncomingHttpHeaders;
  bodyText: string;
  endpoint: string;
  nowMs: number;
  scrub: Scrub;
  /** Exact secrets of this call (token, proof) to scrub from anything kept. */
  secrets: readonly (string | undefined)[];
}

/** Meta's envelope: `{error:{message,type,code,error_subcode?,error_user_title?,error_user_msg?,error_data?,fbtrace_id}}`. */
interface MetaErrorBody {
  message?: unknown;
  type?: unknown;
  code?: unknown;
  error_subcode?: unknown;
  error_user_title?: unknown;
  error_user_msg?: unknown;
  error_data?: unknown;
  is_transient?: unknown;
  fbtrace_id?: unknown;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const int = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
};

export function metaErrorOf(bodyText: string): MetaErrorBody | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  const error = (parsed as { error?: unknown } | null)?.error;
  return typeof error === 'object' && error !== null ? (error as MetaErrorBody) : undefined;
}

function retryAfterOf(headers: IncomingHttpHeaders, nowMs: number): number | undefined {
  return (
    parseRetryAfter(headers['retry-after'], nowMs) ??
    parseBusinessUseCaseWait(headers['x-business-use-case-usage'])
  );
}

/** A non-2xx answer (or a 2xx carrying `error`) → GraphError classified by Meta's code table. */
export function graphErrorFromResponse(input: ResponseErrorInput): GraphError {
  const { httpStatus, headers, bodyText, endpoint, scrub, secrets } = input;
  const retryAfterMs = retryAfterOf(headers, input.nowMs);
  const meta = metaErrorOf(bodyText);
  const code = meta === undefined ? undefined : int(meta.code);

  if (meta === undefined || code === undefined) {
    // Not Meta's JSON (an HTML 502 from a proxy, an empty body): the status is all there is. A bare 429
    // is a throttle whoever sent it; 5xx is a server failure; anything else is not worth repeating.
    const category = httpStatus >= 500 ? 'server' : httpStatus === 429 ? 'throttle' : 'unknown';
    const excerpt = scrub(bodyText.slice(0, 200).replace(/\s+/g, ' ').trim(), secrets);
    return new GraphError({
      message: `Graph answered HTTP ${httpStatus} without a Graph error body${excerpt ? `: ${excerpt}` : ''}`,
      errorCode: `GRAPH_HTTP_${httpStatus}`,
      category,
      retryable: httpStatus >= 500 || httpStatus === 429,
      httpStatus,
      retryAfterMs,
      endpoint,
    });
  }

  const subcode = int(meta.error_subcode);
  const { retryable, category } = classify(code, subcode, httpStatus);
  const details = str((meta.error_data as { details?: unknown } | undefined)?.details);
  const metaMessage = str(meta.message) ?? `Graph error ${code}`;
  const clean = (v: string | undefined) => (v === undefined ? undefined : scrub(v, secrets));
  return new GraphError({
    message: scrub(details ? `${metaMessage}: ${details}` : metaMessage, secrets),
    errorCode: `GRAPH_${code}`,
    category,
    retryable,
    code,
    subcode,
    type: str(meta.type),
    fbtraceId: str(meta.fbtrace_id),
    httpStatus,
    retryAfterMs,
    isTransient: typeof meta.is_transient === 'boolean' ? meta.is_transient : undefined,
    userTitle: clean(str(meta.error_user_title)),
    userMessage: clean(str(meta.error_user_msg)),
    details: clean(details),
    endpoint,
  });
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'HPE_INVALID_CONSTANT',
  'HPE_INVALID_CHUNK_SIZE',
]);

const TIMEOUT_PHASES: Record<string, TimeoutPhase> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect',
  ETIMEDOUT: 'connect',
  UND_ERR_HEADERS_TIMEOUT: 'headers',
  UND_ERR_BODY_TIMEOUT: 'body',
};

function errorCodeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * An exception from undici (no HTTP answer, or the answer broke off) → GraphTimeoutError /
 * GraphNetworkError. Anything else is returned untouched: it is a bug, not a network condition.
 */
export function graphErrorFromTransport(
  err: unknown,
  endpoint: string,
  timeouts: Record<TimeoutPhase, number>,
): unknown {
  if (err instanceof GraphError) return err;
  // ECONNREFUSED & co. can hide one level down (AggregateError of happy-eyeballs attempts, undici's cause).
  const codes = [errorCodeOf(err), errorCodeOf((err as { cause?: unknown } | null)?.cause)];
  const attempts = (err as { errors?: unknown } | null)?.errors;
  if (Array.isArray(attempts)) for (const attempt of attempts) codes.push(errorCodeOf(attempt));
  for (const code of codes) {
    const phase = code === undefined ? undefined : TIMEOUT_PHASES[code];
    if (phase !== undefined)
      return new GraphTimeoutError({ phase, timeoutMs: timeouts[phase], endpoint, cause: err });
  }
  const networkCode = codes.find((c) => c !== undefined && NETWORK_CODES.has(c));
  if (networkCode !== undefined) {
    return new GraphNetworkError({
      message: `Graph call failed on the network (${networkCode})`,
      networkCode,
      endpoint,
      cause: err,
    });
  }
  return err;
}
