import type { SendError } from '@omnistream/events';
import type { GraphErrorCategory } from './error-codes.ts';

export type { GraphErrorCategory } from './error-codes.ts';

export interface GraphErrorInit {
  message: string;
  /** Stable gateway code: `GRAPH_<meta code>` (`GRAPH_131047`), `GRAPH_HTTP_<status>`, `GRAPH_TIMEOUT`, … */
  errorCode: string;
  category: GraphErrorCategory;
  retryable: boolean;
  code?: number | undefined;
  subcode?: number | undefined;
  type?: string | undefined;
  fbtraceId?: string | undefined;
  httpStatus?: number | undefined;
  retryAfterMs?: number | undefined;
  isTransient?: boolean | undefined;
  userTitle?: string | undefined;
  userMessage?: string | undefined;
  details?: string | undefined;
  /** `METHOD /path` of the call, without its query string (which may carry a proof or a secret). */
  endpoint?: string | undefined;
  cause?: unknown;
}

/**
 * Every failure of a Graph call. `retryable` comes from Meta's code table (error-codes.ts), not from
 * the HTTP status; the sender's retry loop and the Kafka consumer both act on it (conventions #4).
 * Strings held here were scrubbed of tokens before construction (scrub.ts).
 */
export class GraphError extends Error {
  override name = 'GraphError';
  readonly errorCode: string;
  readonly category: GraphErrorCategory;
  readonly retryable: boolean;
  /** Meta's `error.code`; undefined when the failure never produced a Meta error body. */
  readonly code: number | undefined;
  readonly subcode: number | undefined;
  /** Meta's `error.type`: OAuthException, GraphMethodException, IGApiException, … */
  readonly type: string | undefined;
  readonly fbtraceId: string | undefined;
  readonly httpStatus: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly isTransient: boolean | undefined;
  readonly userTitle: string | undefined;
  readonly userMessage: string | undefined;
  /** WhatsApp's `error_data.details`. */
  readonly details: string | undefined;
  readonly endpoint: string | undefined;

  constructor(init: GraphErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.errorCode = init.errorCode;
    this.category = init.category;
    this.retryable = init.retryable;
    this.code = init.code;
    this.subcode = init.subcode;
    this.type = init.type;
    this.fbtraceId = init.fbtraceId;
    this.httpStatus = init.httpStatus;
    this.retryAfterMs = init.retryAfterMs;
    this.isTransient = init.isTransient;
    this.userTitle = init.userTitle;
    this.userMessage = init.userMessage;
    this.details = init.details;
    this.endpoint = init.endpoint;
  }

  /** The `error` of a failed send result (events package, send-result.ts). */
  toSendError(): SendError {
    return {
      code: this.errorCode,
      ...(this.code === undefined ? {} : { metaCode: this.code }),
      ...(this.subcode === undefined ? {} : { metaSubcode: this.subcode }),
      message: this.message || this.errorCode,
      retryable: this.retryable,
      ...(this.fbtraceId ? { fbtraceId: this.fbtraceId } : {}),
    };
  }
}

/** The connection failed or broke (ECONNRESET, ECONNREFUSED, UND_ERR_SOCKET, …): always retryable. */
export class GraphNetworkError extends GraphError {
  override name = 'GraphNetworkError';
  /** The system or undici error code that caused it. */
  readonly networkCode: string | undefined;

  constructor(init: {
    message: string;
    networkCode: string | undefined;
    endpoint?: string;
    cause?: unknown;
  }) {
    super({ ...init, errorCode: 'GRAPH_NETWORK', category: 'network', retryable: true });
    this.networkCode = init.networkCode;
  }
}

export type TimeoutPhase = 'connect' | 'headers' | 'body';

/** One of undici's timeouts fired (`timeouts.connectMs` / `headersMs` / `bodyMs`): retryable. */
export class GraphTimeoutError extends GraphError {
  override name = 'GraphTimeoutError';
  readonly phase: TimeoutPhase;

  constructor(init: { phase: TimeoutPhase; timeoutMs: number; endpoint?: string; cause?: unknown }) {
    super({
      message: `Graph call timed out waiting for the ${init.phase} (${init.timeoutMs} ms)`,
      errorCode: 'GRAPH_TIMEOUT',
      category: 'timeout',
      retryable: true,
      endpoint: init.endpoint,
      cause: init.cause,
    });
    this.phase = init.phase;
  }
}

export interface ValidationIssue {
  path: string;
  message: string;
}

/** The input was refused before anything was sent; sending it again cannot help. */
export class GraphValidationError extends GraphError {
  override name = 'GraphValidationError';
  readonly issues: readonly ValidationIssue[];

  constructor(what: string, issues: readonly ValidationIssue[]) {
    super({
      message: `Invalid ${what}: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`,
      errorCode: 'GRAPH_VALIDATION',
      category: 'bad_request',
      retryable: false,
    });
    this.issues = issues;
  }
}
