import { encodeCursor } from '@omnistream/service-kit';
import { useTestDatabase } from '@omnistream/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayWorld, PUBLIC_URL, startGatewayWorld, whatsAppIntegration } from './harness.ts';

/** `depth` nested arrays around `inner`, as raw JSON text. */
const nested = (depth: number, inner = '"x"') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;

describe('bad input on the admin API gets a 400 that says what is wrong, never a 500', () => {
  const db = useTestDatabase();
  let world: GatewayWorld;
  let integrationId: string;
  beforeAll(async () => {
    // Instagram onboarding left unconfigured (no INSTAGRAM_APP_ID), as on most gateways.
    world = await startGatewayWorld(db.pool, {
      oauth: {
        publicUrl: PUBLIC_URL,
        facebookDialogUrl: 'https://www.facebook.com/dialog/oauth',
        instagramAuthorizeUrl: 'https://www.instagram.com/oauth/authorize',
      },
    });
    integrationId = (await whatsAppIntegration(world)).integration.id;
  });
  afterAll(() => world?.stop());

  const raw = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: string) =>
    world.gateway.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${world.adminKey}`, 'content-type': 'application/json' },
      ...(payload === undefined ? {} : { payload }),
    });

  it('refuses NUL characters and lone surrogates in bodies, query strings and path parameters', async () => {
    const cases: [Awaited<ReturnType<typeof raw>>, string][] = [
      [await raw('POST', '/admin/api-keys', JSON.stringify({ name: 'ci\u0000robot' })), 'body.name'],
      [await raw('POST', '/admin/api-keys', '{"name":"half \\ud83d of an emoji"}'), 'body.name'],
      [
        await raw('PATCH', `/admin/integrations/${integrationId}`, JSON.stringify({ name: 'shop\u0000' })),
        'body.name',
      ],
      [await raw('GET', '/admin/dlq?reason=retries%00exhausted'), 'querystring.reason'],
      [
        await raw('POST', '/admin/dlq/replay', JSON.stringify({ filter: { errorCode: 'GRAPH_\u0000' } })),
        'body.filter.errorCode',
      ],
      [await raw('GET', '/admin/fbe/business%00one'), 'params.externalBusinessId'],
    ];
    for (const [res, path] of cases) {
      expect(res.statusCode, path).toBe(400);
      expect(res.json().error, path).toMatchObject({
        code: 'GW_VALIDATION',
        issues: [{ path, message: 'must not contain NUL characters or unpaired UTF-16 surrogates' }],
      });
    }
    // The OAuth callback is public: it answers in its own format, still 400.
    const callback = await world.gateway.app.inject({
      method: 'GET',
      url: '/oauth/instagram/callback?state=ab%00cd&code=x',
      headers: { accept: 'application/json' },
    });
    expect(callback.statusCode).toBe(400);
    expect(callback.json().error.code).toBe('GW_VALIDATION');
  });

  it('refuses a cursor GET /admin/fbe did not hand out', async () => {
    // base64url of NUL bytes, of bytes that are not UTF-8, and not base64url at all.
    for (const cursor of ['AAAA', '__8', 'not a cursor!']) {
      const res = await raw('GET', `/admin/fbe?cursor=${encodeURIComponent(cursor)}`);
      expect(res.statusCode, cursor).toBe(400);
      expect(res.json().error.issues, cursor).toEqual([
        { path: 'querystring.cursor', message: 'is not a cursor this API returned' },
      ]);
    }
    // The shared cursor scheme, and the id in base64url that GET /admin/fbe handed out before it.
    expect((await raw('GET', `/admin/fbe?cursor=${encodeCursor(['b-1'])}`)).statusCode).toBe(200);
    expect(
      (await raw('GET', `/admin/fbe?cursor=${Buffer.from('b-1').toString('base64url')}`)).statusCode,
    ).toBe(200);
  });

  it('refuses JSON nested 5,000 deep on template creation and as a message template parameter', async () => {
    const template = await raw(
      'POST',
      `/admin/integrations/${integrationId}/templates`,
      `{"name":"deep","language":"en_US","category":"UTILITY","components":${nested(5_000)}}`,
    );
    expect(template.statusCode).toBe(400);
    expect(template.json().error.code).toBe('GW_INVALID_JSON');

    const message = await raw(
      'POST',
      '/admin/messages',
      JSON.stringify({
        integrationId,
        to: '16505550100',
        message: { type: 'template', name: 'order_update', language: 'en_US', components: [] },
      }).replace(
        '"components":[]',
        `"components":[{"type":"body","parameters":${nested(5_000, '{"type":"text","text":"A"}')}}]`,
      ),
    );
    expect(message.statusCode).toBe(400);
    expect(message.json().error.code).toBe('GW_INVALID_JSON');
  });

  it('answers 503 on an unconfigured OAuth provider at every hit, and logs it once at warn, without a stack', async () => {
    const logged = world.logs.length;
    for (const url of [
      '/oauth/instagram/start',
      '/oauth/instagram/start',
      '/oauth/instagram/callback?state=x',
    ]) {
      const res = await world.gateway.app.inject({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${world.adminKey}`, accept: 'application/json' },
      });
      expect(res.statusCode, url).toBe(503);
      expect(res.json().error, url).toMatchObject({ code: 'GW_UNAVAILABLE', reason: 'not_configured' });
    }
    const lines = world.logs.slice(logged).map((l) => JSON.parse(l) as Record<string, unknown>);
    const told = lines.filter((l) => String(l.msg).includes('onboarding is not configured'));
    expect(told.map((l) => l.level)).toEqual(['warn', 'debug', 'debug']);
    expect(lines.filter((l) => l.level === 'error' || l.level === 'fatal' || 'err' in l)).toEqual([]);
  });
});
