import { SendErrorSchema } from '@omnistream/events';
import { createRedactor } from '@omnistream/logger';
import { errors as undiciErrors } from 'undici';
import { describe, expect, it } from 'vitest';
import { graphErrorFromResponse, graphErrorFromTransport } from './error-mapping.ts';
import { GraphError, GraphNetworkError, GraphTimeoutError } from './errors.ts';
import { createScrub } from './scrub.ts';

const NOW = Date.parse('2026-06-08T12:00:00Z');
const TIMEOUTS = { connect: 1000, headers: 2000, body: 3000 };

function fromResponse(
  httpStatus: number,
  body: unknown,
  headers: Record<string, string> = {},
  secrets: string[] = [],
) {
  return graphErrorFromResponse({
    httpStatus,
    headers,
    bodyText: typeof body === 'string' ? body : JSON.stringify(body),
    endpoint: 'POST /v21.0/106540352242922/messages',
    nowMs: NOW,
    scrub: createScrub(undefined),
    secrets,
  });
}

/** Bodies from /tmp/meta-fixtures/graph-errors.json. */
const RE_ENGAGEMENT = {
  error: {
    message: '(#131047) Re-engagement message',
    type: 'OAuthException',
    code: 131047,
    error_data: {
      messaging_product: 'whatsapp',
      details:
        'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    },
    fbtrace_id: 'AdPfV9q1Qm3Xb5sT0nKf2hL',
  },
};

describe('Meta error body → GraphError', () => {
  it('keeps every field of the envelope and classifies on the code', () => {
    const err = fromResponse(400, RE_ENGAGEMENT);
    expect(err).toBeInstanceOf(GraphError);
    expect(err).toMatchObject({
      name: 'GraphError',
      errorCode: 'GRAPH_131047',
      code: 131047,
      subcode: undefined,
      type: 'OAuthException',
      fbtraceId: 'AdPfV9q1Qm3Xb5sT0nKf2hL',
      httpStatus: 400,
      retryable: false,
      category: 'window_closed',
      retryAfterMs: undefined,
      endpoint: 'POST /v21.0/106540352242922/messages',
    });
    expect(err.details).toMatch(/more than 24 hours/);
    expect(err.message).toBe(`(#131047) Re-engagement message: ${err.details}`);
  });

  it('reads subcode, user title/message and is_transient', () => {
    const err = fromResponse(403, {
      error: {
        message: 'Application request limit reached',
        type: 'OAuthException',
        is_transient: false,
        code: 4,
        error_subcode: 2207051,
        error_user_title: 'action is blocked',
        error_user_msg: 'We restrict certain activity to protect our community.',
        fbtrace_id: 'APZFg6mxXnykKvlysZMLVvq',
      },
    });
    expect(err).toMatchObject({
      code: 4,
      subcode: 2207051,
      isTransient: false,
      userTitle: 'action is blocked',
      userMessage: 'We restrict certain activity to protect our community.',
      retryable: true,
      category: 'throttle',
      httpStatus: 403,
    });
  });

  it('honours Retry-After in seconds and as an HTTP-date', () => {
    const throttle = {
      error: { message: '(#130429) Rate limit hit', type: 'OAuthException', code: 130429, fbtrace_id: 'Az8' },
    };
    expect(fromResponse(429, throttle, { 'retry-after': '7' })).toMatchObject({
      retryable: true,
      retryAfterMs: 7000,
    });
    expect(fromResponse(400, throttle, { 'retry-after': 'Mon, 08 Jun 2026 12:01:00 GMT' }).retryAfterMs).toBe(
      60_000,
    );
    const buc = JSON.stringify({
      '102290129340398': [{ type: 'whatsapp', estimated_time_to_regain_access: 3 }],
    });
    expect(fromResponse(400, throttle, { 'x-business-use-case-usage': buc }).retryAfterMs).toBe(180_000);
  });

  it('turns a proxy HTML 502 into a retryable server error', () => {
    const err = fromResponse(502, '<html><body><h1>502 Bad Gateway</h1></body></html>');
    expect(err).toMatchObject({
      errorCode: 'GRAPH_HTTP_502',
      category: 'server',
      retryable: true,
      code: undefined,
    });
    expect(err.message).toContain('HTTP 502');
    expect(fromResponse(503, '')).toMatchObject({ errorCode: 'GRAPH_HTTP_503', retryable: true });
  });

  it('does not retry a 4xx without a Graph body, except a bare 429', () => {
    expect(fromResponse(404, 'Not Found')).toMatchObject({
      errorCode: 'GRAPH_HTTP_404',
      retryable: false,
      category: 'unknown',
    });
    expect(fromResponse(400, { error: 'oops' })).toMatchObject({
      errorCode: 'GRAPH_HTTP_400',
      retryable: false,
    });
    expect(fromResponse(429, 'Too Many Requests')).toMatchObject({ retryable: true, category: 'throttle' });
  });

  it('converts to the send result error of the events package', () => {
    const sendError = fromResponse(400, RE_ENGAGEMENT).toSendError();
    expect(SendErrorSchema.parse(sendError)).toStrictEqual({
      code: 'GRAPH_131047',
      metaCode: 131047,
      message: expect.stringContaining('Re-engagement'),
      retryable: false,
      fbtraceId: 'AdPfV9q1Qm3Xb5sT0nKf2hL',
    });
  });
});

describe('tokens never reach an error', () => {
  const USER_TOKEN = 'EAAGm0PX4ZCpsBAKZC7sExampleUserAccessToken123456';
  const OPAQUE = 'opaque-sim-token-7f3a9c';

  it('scrubs tokens Meta echoes in any text field, by shape and by exact value', () => {
    const err = fromResponse(
      400,
      {
        error: {
          message: `Invalid OAuth access token - Cannot parse access token ${USER_TOKEN}`,
          type: 'OAuthException',
          code: 190,
          error_user_msg: `retry with Bearer ${OPAQUE}`,
          error_data: { details: `see https://graph.facebook.com/v21.0/me?access_token=${OPAQUE}&fields=id` },
          fbtrace_id: 'AmIRzV7pQ9c1bD2eF3gH4iJ',
        },
      },
      {},
      [OPAQUE],
    );
    const everything = JSON.stringify({ ...err, message: err.message, stack: err.stack });
    expect(everything).not.toContain(USER_TOKEN);
    expect(everything).not.toContain(OPAQUE);
    expect(err.message).toContain('Invalid OAuth access token - Cannot parse access token [REDACTED]');
    expect(err.details).toContain('fields=id');
    expect(err).toMatchObject({ category: 'auth', retryable: false });
  });

  it('uses the shared redactor for secrets registered elsewhere', () => {
    const redactor = createRedactor();
    redactor.addSecret('rotated-token-from-db-42');
    const err = graphErrorFromResponse({
      httpStatus: 500,
      headers: {},
      bodyText: 'upstream failed for rotated-token-from-db-42',
      endpoint: 'GET /v21.0/me',
      nowMs: NOW,
      scrub: createScrub(redactor),
      secrets: [],
    });
    expect(err.message).not.toContain('rotated-token-from-db-42');
  });
});

describe('transport failures', () => {
  const endpoint = 'POST /v21.0/1/messages';

  it('connection reset and refused are retryable network errors', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const err = graphErrorFromTransport(reset, endpoint, TIMEOUTS);
    expect(err).toBeInstanceOf(GraphNetworkError);
    expect(err).toMatchObject({
      retryable: true,
      category: 'network',
      errorCode: 'GRAPH_NETWORK',
      networkCode: 'ECONNRESET',
      endpoint,
    });
    const refused = new AggregateError([
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    ]);
    expect(graphErrorFromTransport(refused, endpoint, TIMEOUTS)).toMatchObject({
      networkCode: 'ECONNREFUSED',
    });
    expect(
      graphErrorFromTransport(new undiciErrors.SocketError('other side closed'), endpoint, TIMEOUTS),
    ).toMatchObject({
      networkCode: 'UND_ERR_SOCKET',
      retryable: true,
    });
  });

  it("undici's three timeouts become GraphTimeoutError naming the phase and its budget", () => {
    const cases = [
      [new undiciErrors.ConnectTimeoutError(), 'connect', 1000],
      [new undiciErrors.HeadersTimeoutError(), 'headers', 2000],
      [new undiciErrors.BodyTimeoutError(), 'body', 3000],
    ] as const;
    for (const [cause, phase, ms] of cases) {
      const err = graphErrorFromTransport(cause, endpoint, TIMEOUTS);
      expect(err).toBeInstanceOf(GraphTimeoutError);
      expect(err).toMatchObject({ phase, retryable: true, category: 'timeout', errorCode: 'GRAPH_TIMEOUT' });
      expect((err as Error).message).toContain(`${ms} ms`);
    }
  });

  it('leaves programming errors alone', () => {
    const bug = new TypeError('x is not a function');
    expect(graphErrorFromTransport(bug, endpoint, TIMEOUTS)).toBe(bug);
  });
});
