import { GraphError, GraphNetworkError, GraphTimeoutError, GraphValidationError } from '@omnistream/graph';
import { AppError } from '@omnistream/service-kit';

/**
 * For route descriptions: what an admin gets when the Meta call behind a route fails, which is the
 * same for every route (graphFailure below).
 */
export const GRAPH_FAILURE_STATUSES =
  "When Meta fails, `error.meta` carries Meta's own code, subcode and message: 400 when Meta refuses " +
  "the request's content, 502 when Meta refuses the token or gives an unusable answer or cannot be " +
  'reached, 503 (with Retry-After when Meta gives one) when Meta throttles or is unavailable, 504 when ' +
  'Meta does not answer in time.';

/**
 * The Graph client's validation issues that name one of the gateway's own settings (an app secret
 * for appsecret_proof or an OAuth exchange, a base URL) rather than a value of the request.
 * packages/graph gives them no type of their own, so they are told apart by the path they name.
 */
const SETTING_PATHS = new Set(['appSecret', 'instagramAppSecret', 'graph', 'instagram']);

export interface GraphFailureOptions {
  /** Whose token the call used, named when Meta refuses it. Default: "the integration's token". */
  token?: string;
  /** A sentence added to the message: what the failure left behind ("Nothing was connected."). */
  outcome?: string;
  /** More response fields next to `meta` (e.g. an onboarding `reason`). */
  details?: Record<string, unknown>;
}

/**
 * Meta's own account of a failure for `error.meta`: its codes and words. The Graph client scrubs
 * tokens from every string of a GraphError before building it (packages/graph scrub.ts), and the
 * endpoint (whose query may carry a proof) is left out.
 */
export function metaDetails(err: GraphError): Record<string, unknown> {
  const fields = {
    errorCode: err.errorCode,
    code: err.code,
    subcode: err.subcode,
    type: err.type,
    message: err.message,
    title: err.userTitle,
    userMessage: err.userMessage,
    details: err.details,
    fbtraceId: err.fbtraceId,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

/**
 * Meta's explanation, most helpful first (the user-facing title and message when Meta gives them),
 * then its code: "Content in this language already exists: … (Invalid parameter) (Meta error 100/2388024)".
 */
function metaText(err: GraphError): string {
  const user = [err.userTitle, err.userMessage].filter(Boolean).join(': ');
  const words = user ? `${user} (${err.message})` : err.message;
  if (err.code === undefined) return words;
  return `${words} (Meta error ${err.code}${err.subcode === undefined ? '' : `/${err.subcode}`})`;
}

interface Verdict {
  code: 'GW_BAD_REQUEST' | 'GW_CONFLICT' | 'GW_UPSTREAM' | 'GW_UNAVAILABLE';
  status: 400 | 409 | 502 | 503 | 504;
  message: string;
  /** Default: the status decides (5xx retryable). */
  retryable?: boolean;
}

/**
 * The rule, in order:
 * - Never sent (GraphValidationError): 400 for a value of the request, 503 for a missing setting.
 * - Meta could not be reached: 502; it did not answer in time: 504. Both retryable.
 * - Meta refused the token (invalid, expired, or lacking a permission): 502, not retryable: the
 *   admin's request was fine, the token needs replacing or more access.
 * - Meta refused the request's content (invalid parameter, template or policy error): 400.
 * - Meta throttled or failed on its side (its code table says retryable): 503.
 * - Any other answer (a code the table does not know, a body without what was asked for): 502.
 */
function verdict(err: GraphError, action: string, token: string): Verdict {
  if (err instanceof GraphValidationError) {
    return err.issues.some((i) => SETTING_PATHS.has(i.path))
      ? {
          code: 'GW_UNAVAILABLE',
          status: 503,
          retryable: false,
          message: `cannot ${action}: a setting is missing (${err.message})`,
        }
      : { code: 'GW_BAD_REQUEST', status: 400, message: `cannot ${action}: ${err.message}` };
  }
  const text = metaText(err);
  if (err instanceof GraphTimeoutError) {
    return { code: 'GW_UPSTREAM', status: 504, message: `Meta did not answer in time to ${action}: ${text}` };
  }
  if (err instanceof GraphNetworkError) {
    return { code: 'GW_UPSTREAM', status: 502, message: `Meta could not be reached to ${action}: ${text}` };
  }
  const refused = `Meta refused to ${action}:`;
  switch (err.category) {
    case 'auth':
      return {
        code: 'GW_UPSTREAM',
        status: 502,
        retryable: false,
        message: `${refused} ${token} is invalid or expired. ${text}`,
      };
    case 'permission':
      return {
        code: 'GW_UPSTREAM',
        status: 502,
        retryable: false,
        message: `${refused} ${token} lacks a permission it needs. ${text}`,
      };
    case 'bad_request':
    case 'template':
    case 'policy':
      return { code: 'GW_BAD_REQUEST', status: 400, message: `${refused} ${text}` };
    default:
      return err.retryable
        ? { code: 'GW_UNAVAILABLE', status: 503, message: `Meta could not ${action} now: ${text}` }
        : {
            code: 'GW_UPSTREAM',
            status: 502,
            retryable: false,
            message: `Meta failed to ${action}: ${text}`,
          };
  }
}

function toAppError(err: GraphError, v: Verdict, options: GraphFailureOptions): AppError {
  const seconds =
    v.status >= 500 && err.retryable && err.retryAfterMs !== undefined
      ? Math.max(1, Math.ceil(err.retryAfterMs / 1000))
      : undefined;
  // A GraphValidationError never reached Meta: there is nothing of Meta's to show.
  const meta = err instanceof GraphValidationError ? {} : { meta: metaDetails(err) };
  const details = { ...options.details, ...meta };
  return new AppError(v.code, options.outcome ? `${sentence(v.message)} ${options.outcome}` : v.message, {
    status: v.status,
    ...(v.retryable === undefined ? {} : { retryable: v.retryable }),
    cause: err,
    ...(Object.keys(details).length > 0 ? { details } : {}),
    ...(seconds === undefined ? {} : { headers: { 'retry-after': String(seconds) } }),
  });
}

/**
 * A failed Graph call made while answering an admin request → the AppError the admin gets: the
 * one rule (verdict above) for every route that calls Meta. `action` completes "Meta refused to …"
 * (e.g. "create template order_shipped (en_US)"). A 503 carries Retry-After when Meta gave a wait.
 * Anything that is not a GraphError is returned unchanged (the error handler makes it a 500).
 * Rules particular to one call (a template that exists, ID matching under review) are the
 * caller's, checked first.
 */
export function graphFailure(err: GraphError, action: string, options?: GraphFailureOptions): AppError;
export function graphFailure(err: unknown, action: string, options?: GraphFailureOptions): unknown;
export function graphFailure(err: unknown, action: string, options: GraphFailureOptions = {}): unknown {
  if (!(err instanceof GraphError)) return err;
  return toAppError(err, verdict(err, action, options.token ?? "the integration's token"), options);
}

/** Meta refused because what the request would create exists already (e.g. a template): 409. */
export function graphConflict(err: GraphError, action: string, options: GraphFailureOptions = {}): AppError {
  const message = `Meta refused to ${action}: ${metaText(err)}`;
  return toAppError(err, { code: 'GW_CONFLICT', status: 409, message }, options);
}
