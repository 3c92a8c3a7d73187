import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientFor, type FakeGraph, startFakeGraph } from './test-kit.ts';

const TOKEN = 'EAAGm0PX4ZCpsBAKZC7sExampleSystemUserToken0001';
const APP_TOKEN = '1517776481860111|app-secret-value-0123456789';

let fake: FakeGraph;
beforeEach(async () => {
  fake = await startFakeGraph();
});
afterEach(async () => {
  await fake.close();
});

describe('checkToken via /me', () => {
  it('is valid with the id and name Meta answers', async () => {
    fake.handle(() => ({ json: { name: 'Lucky Shrub', id: '112233445566778' } }));
    const client = clientFor(fake);
    expect(await client.checkToken({ token: TOKEN })).toStrictEqual({
      valid: true,
      id: '112233445566778',
      name: 'Lucky Shrub',
    });
    await client.close();
    expect(fake.requests[0]?.path).toBe('/v21.0/me');
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('is invalid on 190, with the subcode, and the reason scrubbed', async () => {
    fake.handle(() => ({
      status: 400,
      json: {
        error: {
          message: `Error validating access token: Session has expired. token=${TOKEN}`,
          type: 'OAuthException',
          code: 190,
          error_subcode: 463,
          fbtrace_id: 'FWyaAGXtoZg',
        },
      },
    }));
    const client = clientFor(fake);
    const check = await client.checkToken({ token: TOKEN });
    await client.close();
    expect(check).toMatchObject({ valid: false, code: 190, subcode: 463 });
    expect(JSON.stringify(check)).not.toContain(TOKEN);
  });

  it('throws what does not answer the question (a throttle)', async () => {
    fake.handle(() => ({
      status: 400,
      json: {
        error: {
          message: '(#4) Application request limit reached',
          type: 'OAuthException',
          code: 4,
          fbtrace_id: 'x',
        },
      },
    }));
    const client = clientFor(fake);
    await expect(client.checkToken({ token: TOKEN })).rejects.toMatchObject({ code: 4, retryable: true });
    await client.close();
  });

  it('reads the Instagram professional account id from graph.instagram.com, exactly', async () => {
    fake.handle(() => ({
      text: '{"user_id":27640875392278831,"username":"luckyshrub","id":"9876543210987654"}',
    }));
    const client = clientFor(fake);
    expect(await client.checkToken({ token: TOKEN, host: 'instagram' })).toStrictEqual({
      valid: true,
      id: '27640875392278831',
      name: 'luckyshrub',
    });
    await client.close();
    expect(fake.requests[0]?.path).toBe('/ig/v21.0/me');
  });
});

describe('checkToken via debug_token', () => {
  it('reports scopes, type and a never-expiring system-user token', async () => {
    fake.handle(() => ({
      json: {
        data: {
          app_id: '1517776481860111',
          type: 'SYSTEM_USER',
          application: 'Omni Gateway',
          data_access_expires_at: 0,
          expires_at: 0,
          is_valid: true,
          issued_at: 1749420130,
          scopes: ['whatsapp_business_management', 'whatsapp_business_messaging'],
          user_id: '61550000000000',
        },
      },
    }));
    const client = clientFor(fake);
    const check = await client.checkToken({ token: TOKEN, appToken: APP_TOKEN });
    await client.close();
    expect(check).toStrictEqual({
      valid: true,
      id: '61550000000000',
      scopes: ['whatsapp_business_management', 'whatsapp_business_messaging'],
      expiresAt: null,
      type: 'SYSTEM_USER',
      appId: '1517776481860111',
    });
    const req = fake.requests[0];
    expect(req?.path).toBe('/v21.0/debug_token');
    expect(req?.headers.authorization).toBe(`Bearer ${APP_TOKEN}`);
    expect(req?.query.get('input_token')).toBe(TOKEN);
  });

  it('reports an invalid token answered with HTTP 200 and data.error.subcode', async () => {
    fake.handle(() => ({
      json: {
        data: {
          app_id: '1517776481860111',
          type: 'USER',
          expires_at: 1749420000,
          is_valid: false,
          error: { code: 190, message: 'Error validating access token: Session has expired', subcode: 463 },
          user_id: '10223344556677889',
        },
      },
    }));
    const client = clientFor(fake);
    const check = await client.checkToken({ token: TOKEN, appToken: APP_TOKEN });
    await client.close();
    expect(check).toStrictEqual({
      valid: false,
      id: '10223344556677889',
      code: 190,
      subcode: 463,
      reason: 'Error validating access token: Session has expired',
      expiresAt: new Date(1749420000 * 1000),
      type: 'USER',
    });
  });
});
