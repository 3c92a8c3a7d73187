import {
  classify,
  GraphError,
  GraphNetworkError,
  GraphTimeoutError,
  GraphValidationError,
} from '@omnistream/graph';
import type { AppError } from '@omnistream/service-kit';
import { describe, expect, it } from 'vitest';
import { graphConflict, graphFailure } from './graph-failure.ts';

/** A Graph error as the client builds it from Meta's answer: classified by Meta's code table. */
function metaAnswer(
  code: number,
  message: string,
  extra: { subcode?: number; httpStatus?: number; retryAfterMs?: number; userTitle?: string } = {},
): GraphError {
  return new GraphError({
    message,
    errorCode: `GRAPH_${code}`,
    ...classify(code, extra.subcode, extra.httpStatus ?? 400),
    code,
    fbtraceId: 'AbCdEf',
    ...extra,
  });
}

const mapped = (err: unknown, action = 'do the thing') => graphFailure(err, action) as AppError;

describe('graphFailure: one mapping of Meta failures for every admin route', () => {
  it("answers 400 with Meta's words and codes under meta when Meta refuses the request's content", () => {
    const err = mapped(
      metaAnswer(100, 'Invalid parameter', { subcode: 2494102, userTitle: 'Bad button' }),
      'create template promo (en_US)',
    );
    expect(err).toMatchObject({ code: 'GW_BAD_REQUEST', status: 400, retryable: false });
    expect(err.message).toBe(
      'Meta refused to create template promo (en_US): Bad button (Invalid parameter) (Meta error 100/2494102)',
    );
    expect(err.details).toEqual({
      meta: {
        errorCode: 'GRAPH_100',
        code: 100,
        subcode: 2494102,
        message: 'Invalid parameter',
        title: 'Bad button',
        fbtraceId: 'AbCdEf',
      },
    });
  });

  it('answers 502, not retryable, naming the token when Meta refuses it (invalid or lacking a permission)', () => {
    const invalid = mapped(metaAnswer(190, 'Error validating access token', { subcode: 460 }));
    expect(invalid).toMatchObject({ code: 'GW_UPSTREAM', status: 502, retryable: false });
    expect(invalid.message).toContain("the integration's token is invalid or expired");
    const permission = graphFailure(metaAnswer(10, 'Permission denied'), 'list', {
      token: "the business's token",
    });
    expect(permission).toMatchObject({ code: 'GW_UPSTREAM', status: 502, retryable: false });
    expect((permission as AppError).message).toContain("the business's token lacks a permission");
  });

  it('answers 503 with Retry-After in whole seconds when Meta throttles or fails on its side', () => {
    const throttled = mapped(metaAnswer(4, 'Application request limit reached', { retryAfterMs: 6_200 }));
    expect(throttled).toMatchObject({ code: 'GW_UNAVAILABLE', status: 503, retryable: true });
    expect(throttled.headers).toEqual({ 'retry-after': '7' });
    const down = mapped(metaAnswer(2, 'Service temporarily unavailable', { httpStatus: 500 }));
    expect(down).toMatchObject({ code: 'GW_UNAVAILABLE', status: 503, headers: undefined });
    const proxy = mapped(
      new GraphError({
        message: 'HTML 502',
        errorCode: 'GRAPH_HTTP_502',
        category: 'server',
        retryable: true,
      }),
    );
    expect(proxy.status).toBe(503);
  });

  it('answers 502 when Meta cannot be reached and 504 when it does not answer in time, both retryable', () => {
    const network = mapped(new GraphNetworkError({ message: 'reset', networkCode: 'ECONNRESET' }));
    expect(network).toMatchObject({ code: 'GW_UPSTREAM', status: 502, retryable: true });
    const timeout = mapped(new GraphTimeoutError({ phase: 'headers', timeoutMs: 3_000 }));
    expect(timeout).toMatchObject({ code: 'GW_UPSTREAM', status: 504, retryable: true });
    expect(timeout.details).toMatchObject({ meta: { errorCode: 'GRAPH_TIMEOUT' } });
  });

  it('answers 502 for an answer the gateway cannot use (unknown code, body without the asked field)', () => {
    const unexpected = new GraphError({
      message: 'Graph answered GET /x without "id"',
      errorCode: 'GRAPH_UNEXPECTED_RESPONSE',
      category: 'unknown',
      retryable: false,
    });
    expect(mapped(unexpected)).toMatchObject({ code: 'GW_UPSTREAM', status: 502, retryable: false });
    expect(mapped(metaAnswer(999_999, 'Something new'))).toMatchObject({ status: 502, retryable: false });
  });

  it('answers 400 for a request value refused before sending, 503 for a missing setting; no meta', () => {
    const value = mapped(new GraphValidationError('template', [{ path: 'name', message: 'too long' }]));
    expect(value).toMatchObject({ code: 'GW_BAD_REQUEST', status: 400, details: undefined });
    const setting = mapped(
      new GraphValidationError('GET /1/ids_for_apps', [{ path: 'appSecret', message: 'configure it' }]),
    );
    expect(setting).toMatchObject({ code: 'GW_UNAVAILABLE', status: 503, retryable: false });
  });

  it('adds the caller’s outcome and details, and leaves anything that is not a GraphError alone', () => {
    const err = graphFailure(metaAnswer(2, 'Unavailable'), 'list the Pages', {
      outcome: 'Nothing was connected.',
      details: { reason: 'meta_error' },
    });
    expect(err.message).toBe(
      'Meta could not list the Pages now: Unavailable (Meta error 2). Nothing was connected.',
    );
    expect(err.details).toMatchObject({ reason: 'meta_error', meta: { code: 2 } });
    const bug = new TypeError('x is undefined');
    expect(graphFailure(bug, 'anything')).toBe(bug);
  });

  it('answers 409 through graphConflict, keeping the same meta fields', () => {
    const err = graphConflict(
      metaAnswer(100, 'Content exists', { subcode: 2388024 }),
      'create template a (es)',
    );
    expect(err).toMatchObject({ code: 'GW_CONFLICT', status: 409, details: { meta: { subcode: 2388024 } } });
  });
});
