import { createRedactor } from '@omnistream/logger';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appsecretProof } from './appsecret-proof.ts';
import { GraphError, GraphNetworkError, GraphTimeoutError, GraphValidationError } from './errors.ts';
import { capturingLogger, clientFor, type FakeGraph, startFakeGraph } from './test-kit.ts';

const TOKEN = 'EAAGm0PX4ZCpsBAKZC7sExampleSystemUserToken0001';
const IG_TOKEN = 'IGAAXk9example_instagram_login_token_abcdef';
const APP_SECRET = 'app-secret-0123456789';
const IG_SECRET = 'ig-secret-9876543210';

let fake: FakeGraph;
beforeEach(async () => {
  fake = await startFakeGraph();
});
afterEach(async () => {
  await fake.close();
});

async function failure(promise: Promise<unknown>): Promise<GraphError> {
  const err = await promise.then(
    () => {
      throw new Error('call succeeded');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GraphError);
  return err as GraphError;
}

const text = { type: 'text', text: 'hello' } as const;

describe('requests', () => {
  it('sends the token as a Bearer header only and the proof as a query parameter', async () => {
    fake.handle(() => ({
      json: {
        messaging_product: 'whatsapp',
        contacts: [{ input: '+1 650-555-1234', wa_id: '16505551234' }],
        messages: [
          {
            id: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI3QTRBNjU5OUFFRTAzODEwMTQ0AA==',
            message_status: 'accepted',
          },
        ],
      },
    }));
    const client = clientFor(fake, fake, { appSecret: APP_SECRET });
    const result = await client.sendWhatsApp({
      phoneNumberId: '106540352242922',
      token: TOKEN,
      to: '+1 650-555-1234',
      message: text,
    });
    await client.close();

    expect(result).toStrictEqual({
      messageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI3QTRBNjU5OUFFRTAzODEwMTQ0AA==',
      waId: '16505551234',
      messageStatus: 'accepted',
    });
    const [req] = fake.requests;
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/v21.0/106540352242922/messages');
    expect(req?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req?.headers['content-type']).toBe('application/json');
    expect([...(req?.query.keys() ?? [])]).toEqual(['appsecret_proof']);
    expect(req?.query.get('appsecret_proof')).toBe(appsecretProof(TOKEN, APP_SECRET));
    expect(req?.url).not.toContain(TOKEN);
    expect(JSON.parse(req?.body ?? '')).toStrictEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+1 650-555-1234',
      type: 'text',
      text: { body: 'hello' },
    });
  });

  it('adds no proof without an app secret', async () => {
    fake.handle(() => ({ json: { messages: [{ id: 'wamid.A' }] } }));
    const client = clientFor(fake);
    await client.sendWhatsApp({ phoneNumberId: '1', token: TOKEN, to: '1', message: text });
    await client.close();
    expect(fake.requests[0]?.url).toBe('/v21.0/1/messages');
  });

  it('signs Instagram calls with the Instagram app secret, falling back to the app secret', async () => {
    fake.handle(() => ({ json: { recipient_id: '1129842642640637', message_id: 'aWdfZAG1faXRlbT' } }));
    const input = {
      igUserId: '17841405793187218',
      token: IG_TOKEN,
      recipientId: '1129842642640637',
      message: text,
    };
    const own = clientFor(fake, fake, { appSecret: APP_SECRET, instagramAppSecret: IG_SECRET });
    expect(await own.sendInstagram(input)).toStrictEqual({
      messageId: 'aWdfZAG1faXRlbT',
      recipientId: '1129842642640637',
    });
    await own.close();
    const fallback = clientFor(fake, fake, { appSecret: APP_SECRET });
    await fallback.sendInstagram(input);
    await fallback.close();
    expect(fake.requests.map((r) => r.path)).toEqual([
      '/ig/v21.0/17841405793187218/messages',
      '/ig/v21.0/17841405793187218/messages',
    ]);
    expect(fake.requests[0]?.query.get('appsecret_proof')).toBe(appsecretProof(IG_TOKEN, IG_SECRET));
    expect(fake.requests[1]?.query.get('appsecret_proof')).toBe(appsecretProof(IG_TOKEN, APP_SECRET));
  });

  it('answers sender actions without a message id', async () => {
    fake.handle(() => ({ json: { recipient_id: '6789012345678901' } }));
    const client = clientFor(fake);
    const result = await client.sendMessenger({
      pageId: '112233445566778',
      token: TOKEN,
      recipientId: '6789012345678901',
      senderAction: 'typing_on',
    });
    await client.close();
    expect(result).toStrictEqual({ messageId: null, recipientId: '6789012345678901' });
  });

  it('sends nothing when the input is refused', async () => {
    const client = clientFor(fake);
    const err = await failure(
      client.sendInstagram({
        igUserId: '1',
        token: IG_TOKEN,
        recipientId: '2',
        message: { type: 'text', text: '😀'.repeat(251) },
      }),
    );
    await client.close();
    expect(err).toBeInstanceOf(GraphValidationError);
    expect(err.retryable).toBe(false);
    expect(fake.requests).toHaveLength(0);
  });

  it('reuses keep-alive connections', async () => {
    fake.handle(() => ({ json: { messages: [{ id: 'wamid.A' }] } }));
    const client = clientFor(fake);
    for (let i = 0; i < 20; i++) {
      await client.sendWhatsApp({ phoneNumberId: '1', token: TOKEN, to: '1', message: text });
    }
    await client.close();
    expect(fake.requests).toHaveLength(20);
    // undici may open a second socket while the first is still being released; never one per call.
    expect(fake.connections).toBeLessThanOrEqual(2);
  });

  it('refuses a 200 without a message id as not retryable (the message may have gone out)', async () => {
    fake.handle(() => ({ json: { messaging_product: 'whatsapp', messages: [] } }));
    const client = clientFor(fake);
    const err = await failure(
      client.sendWhatsApp({ phoneNumberId: '1', token: TOKEN, to: '1', message: text }),
    );
    await client.close();
    expect(err).toMatchObject({ errorCode: 'GRAPH_UNEXPECTED_RESPONSE', retryable: false });
  });
});

describe('failures over HTTP', () => {
  it('maps a Meta error body and Retry-After, whatever the status', async () => {
    fake.handle(() => ({
      status: 400,
      headers: { 'retry-after': '12' },
      json: {
        error: {
          message: '(#131056) (Business Account, Consumer Account) pair rate limit hit',
          type: 'OAuthException',
          code: 131056,
          fbtrace_id: 'A3kQ0cX8nB2dE7fG1hJ4kL9',
        },
      },
    }));
    const client = clientFor(fake);
    const err = await failure(
      client.sendWhatsApp({ phoneNumberId: '1', token: TOKEN, to: '1', message: text }),
    );
    await client.close();
    expect(err).toMatchObject({
      code: 131056,
      category: 'pair_rate',
      retryable: true,
      retryAfterMs: 12_000,
      httpStatus: 400,
      fbtraceId: 'A3kQ0cX8nB2dE7fG1hJ4kL9',
      endpoint: 'POST /v21.0/1/messages',
    });
  });

  it('maps an HTML 502 from a proxy to a retryable server error', async () => {
    fake.handle(() => ({ status: 502, text: '<html><h1>502 Bad Gateway</h1></html>' }));
    const client = clientFor(fake);
    const err = await failure(
      client.sendWhatsApp({ phoneNumberId: '1', token: TOKEN, to: '1', message: text }),
    );
    await client.close();
    expect(err).toMatchObject({ errorCode: 'GRAPH_HTTP_502', category: 'server', retryable: true });
  });

  it('times out waiting for headers', async () => {
    fake.handle(() => ({ delayMs: 1500, reply: { json: {} } }));
    const client = clientFor(fake, fake, { timeouts: { connectMs: 1000, headersMs: 200, bodyMs: 1000 } });
    const err = await failure(
      client.sendWhatsApp({ phoneNumberId: '1', token: TOKEN, to: '1', message: text }),
    );
    await client.close();
    expect(err).toBeInstanceOf(GraphTimeoutError);
    expect(err).toMatchObject({ phase: 'headers', retryable: true, category: 'timeout' });
  });

  it('times out waiting for the rest of the body', async () => {
    fake.handle(() => ({ stallBodyAfterHeaders: true }));
    const client = clientFor(fake, fake, { timeouts: { connectMs: 1000, headersMs: 1000, bodyMs: 200 } });
    const err = await failure(
      client.sendWhatsApp({ phoneNumberId: '1', token: TOKEN, to: '1', message: text }),
    );
    await client.close();
    expect(err).toMatchObject({ phase: 'body', retryable: true });
  });

  it('turns a connection reset into a retryable network error', async () => {
    fake.handle(() => ({ reset: true }));
    const client = clientFor(fake);
    const err = await failure(
      client.sendWhatsApp({ phoneNumberId: '1', token: TOKEN, to: '1', message: text }),
    );
    await client.close();
    expect(err).toBeInstanceOf(GraphNetworkError);
    expect(err).toMatchObject({ retryable: true, category: 'network' });
  });

  it('turns a refused connection into a retryable network error', async () => {
    const closed = await startFakeGraph();
    await closed.close();
    const client = clientFor(closed);
    const err = await failure(
      client.sendWhatsApp({ phoneNumberId: '1', token: TOKEN, to: '1', message: text }),
    );
    await client.close();
    expect(err).toMatchObject({ networkCode: 'ECONNREFUSED', retryable: true });
  });

  it('keeps the token out of errors and logs, even when the server echoes it', async () => {
    const redactor = createRedactor();
    const opaque = 'opaque_rotated_token_value_77';
    fake.handle((req) => ({
      status: 400,
      json: {
        error: {
          message: `Invalid OAuth access token - Cannot parse access token ${req.headers.authorization?.slice(7)}`,
          type: 'OAuthException',
          code: 190,
          fbtrace_id: 'x',
        },
      },
    }));
    const { logger, lines } = capturingLogger('debug');
    const client = clientFor(fake, fake, { appSecret: APP_SECRET, logger, redactor });
    const err = await failure(
      client.sendWhatsApp({ phoneNumberId: '1', token: opaque, to: '1', message: text }),
    );
    logger.error({ err }, 'send failed');
    await client.close();
    const fields = JSON.stringify({ ...err, message: err.message, stack: err.stack });
    expect(fields).not.toContain(opaque);
    expect(fields).not.toContain('appsecret_proof');
    expect(err.message).toContain('[REDACTED]');
    expect(lines.join('\n')).not.toContain(opaque);
    expect(lines.join('\n')).toContain('graph call');
  });
});
