import { randomBytes } from 'node:crypto';

/**
 * Meta's error envelope. Shapes and wording follow /tmp/meta-fixtures/graph-errors.json (copied
 * into ./fixtures/graph-errors.json): `message` carries a `(#code)` prefix on most codes,
 * `type` is OAuthException, GraphMethodException (100/33, appsecret_proof) or IGApiException
 * (graph.instagram.com), and `fbtrace_id` is always present.
 */
export interface GraphErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_data?: { messaging_product?: string; details: string };
    error_user_title?: string;
    error_user_msg?: string;
    is_transient?: boolean;
    fbtrace_id: string;
  };
}

export interface GraphErrorSpec {
  status: number;
  code: number;
  message: string;
  type?: string;
  subcode?: number;
  details?: string;
  /** `error_data.messaging_product` — WhatsApp errors carry it, Graph/Messenger ones do not. */
  messagingProduct?: string;
  userTitle?: string;
  userMsg?: string;
  isTransient?: boolean;
  headers?: Record<string, string>;
}

/** A Meta error answer. Thrown by route logic, turned into the exact envelope by the call wrapper. */
export class GraphError extends Error {
  readonly status: number;
  readonly spec: GraphErrorSpec;
  constructor(spec: GraphErrorSpec) {
    // A GraphError is an answer, not a bug: its stack is never useful, and rate-limit benchmarks
    // build thousands per second, where capturing one was the largest cost in the profile.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(spec.message);
    Error.stackTraceLimit = limit;
    this.name = 'GraphError';
    this.status = spec.status;
    this.spec = spec;
  }

  get headers(): Record<string, string> | undefined {
    return this.spec.headers;
  }

  body(): GraphErrorBody {
    return graphErrorBody(this.spec);
  }
}

// Real ids are 11–27 characters of base64url; 23 like most fixtures. A random per-process prefix
// plus a counter: unique, and no crypto call per error (which showed in the profile).
let tracePrefix: string | undefined;
let traceCounter = 0;

export function fbtraceId(): string {
  tracePrefix ??= randomBytes(9).toString('base64url');
  traceCounter = (traceCounter + 1) % 0x7fffffff;
  return `${tracePrefix}${traceCounter.toString(36).padStart(11, '0')}`;
}

export function graphErrorBody(spec: GraphErrorSpec): GraphErrorBody {
  // Key order as Meta writes it (fixtures/graph-errors.json): fbtrace_id last.
  const error = { message: spec.message, type: spec.type ?? 'OAuthException' } as GraphErrorBody['error'];
  if (spec.isTransient !== undefined) error.is_transient = spec.isTransient;
  error.code = spec.code;
  if (spec.subcode !== undefined) error.error_subcode = spec.subcode;
  if (spec.details !== undefined) {
    error.error_data =
      spec.messagingProduct === undefined
        ? { details: spec.details }
        : { messaging_product: spec.messagingProduct, details: spec.details };
  }
  if (spec.userTitle !== undefined) error.error_user_title = spec.userTitle;
  if (spec.userMsg !== undefined) error.error_user_msg = spec.userMsg;
  error.fbtrace_id = fbtraceId();
  return { error };
}
