import { GraphError, GraphValidationError } from '@omnistream/graph';
import { AppError } from '@omnistream/service-kit';

// Meta answers an existing name + language with code 100, subcode 2388024 ("Content in this
// language already exists"; packages/meta-sim fixtures).
const TEMPLATE_EXISTS_SUBCODE = 2388024;

/** What the admin sees of Meta's error: ids and Meta's own words, never a token (already scrubbed). */
function metaDetails(err: GraphError): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  const fields = {
    code: err.code,
    subcode: err.subcode,
    type: err.type,
    title: err.userTitle,
    userMessage: err.userMessage,
    details: err.details,
    fbtraceId: err.fbtraceId,
  };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) meta[key] = value;
  return { meta };
}

/** Meta's explanation, most helpful first: the user-facing title and message when Meta gives them. */
function metaText(err: GraphError): string {
  const user = [err.userTitle, err.userMessage].filter(Boolean).join(': ');
  return user ? `${user} (${err.message})` : err.message;
}

/**
 * A failed Graph call made on an admin's behalf → the AppError the admin gets. Meta refusing the
 * request is 4xx with Meta's words; Meta refusing the integration's token or failing itself is
 * 502/503: the admin's request was fine, the upstream was not. Anything that is not a GraphError
 * is returned unchanged (the error handler makes it a 500).
 */
export function metaFailure(err: unknown, action: string): unknown {
  if (!(err instanceof GraphError)) return err;
  if (err instanceof GraphValidationError) {
    return new AppError('GW_BAD_REQUEST', `cannot ${action}: ${err.message}`, { status: 400, cause: err });
  }
  const details = metaDetails(err);
  const text = `Meta refused to ${action}: ${metaText(err)}`;
  if (err.code === 100 && err.subcode === TEMPLATE_EXISTS_SUBCODE) {
    return new AppError('GW_CONFLICT', text, { status: 409, cause: err, details });
  }
  switch (err.category) {
    case 'auth':
    case 'permission':
      return new AppError(
        'GW_UPSTREAM',
        `${text}; the integration's token needs to be replaced or granted access`,
        { status: 502, retryable: false, cause: err, details },
      );
    case 'bad_request':
    case 'template':
    case 'policy':
      return new AppError('GW_BAD_REQUEST', text, { status: 400, cause: err, details });
    default:
      break;
  }
  if (err.retryable) {
    const seconds =
      err.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(err.retryAfterMs / 1000));
    return new AppError('GW_UNAVAILABLE', `Meta could not ${action} right now: ${metaText(err)}`, {
      status: 503,
      cause: err,
      details,
      ...(seconds === undefined ? {} : { headers: { 'retry-after': String(seconds) } }),
    });
  }
  return new AppError('GW_UPSTREAM', text, { status: 502, retryable: false, cause: err, details });
}
