import { GraphError, GraphTimeoutError, GraphValidationError } from '@omnistream/graph';
import { AppError } from '@omnistream/service-kit';

/**
 * A failed Graph call as the admin sees it: Meta's own message and codes (already scrubbed of tokens
 * by the Graph client) with 502 — the gateway worked, Meta did not — or 504 when Meta did not answer
 * in time. A GraphValidationError never reached Meta: the gateway lacks a setting (the app secret for
 * appsecret_proof) or holds data Meta would refuse, so 503. Anything else is returned unchanged.
 */
export function graphFailure(err: unknown, action: string): unknown {
  if (err instanceof GraphValidationError) {
    return new AppError('GW_UNAVAILABLE', `cannot ${action}: ${err.message}`, {
      status: 503,
      retryable: false,
      cause: err,
    });
  }
  if (!(err instanceof GraphError)) return err;
  const meta = {
    errorCode: err.errorCode,
    ...(err.code === undefined ? {} : { code: err.code }),
    ...(err.subcode === undefined ? {} : { subcode: err.subcode }),
    ...(err.type === undefined ? {} : { type: err.type }),
    ...(err.fbtraceId === undefined ? {} : { fbtraceId: err.fbtraceId }),
  };
  return new AppError('GW_UPSTREAM', `could not ${action}: ${err.message}`, {
    status: err instanceof GraphTimeoutError ? 504 : 502,
    retryable: err.retryable,
    cause: err,
    details: { meta },
  });
}
