import { createRedactor } from '@omnistream/logger';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appsecretProof } from './appsecret-proof.ts';
import { GraphValidationError } from './errors.ts';
import { clientFor, type FakeGraph, startFakeGraph } from './test-kit.ts';

const USER_TOKEN = 'EAAVkLX0ZBc0ABOexampleUserToken000000001';
const APP_SECRET = 'app-secret-0123456789';
const IG_SECRET = 'ig-secret-9876543210';

let fake: FakeGraph;
beforeEach(async () => {
  fake = await startFakeGraph();
});
afterEach(async () => {
  await fake.close();
});

const form = (body: string | undefined) => Object.fromEntries(new URLSearchParams(body ?? ''));

describe('Facebook OAuth', () => {
  it('exchanges a code the way Meta documents it (GET with parameters) and registers the new token', async () => {
    fake.handle(() => ({
      json: { access_token: 'EAAVkLX0ZBc0ABOuserTokenFromCode', token_type: 'bearer', expires_in: 5183944 },
    }));
    const redactor = createRedactor();
    const client = clientFor(fake, fake, { appSecret: APP_SECRET, redactor });
    const token = await client.exchangeFacebookCode({
      appId: '1517776481860111',
      redirectUri: 'https://omni.example.com/oauth/fb',
      code: 'AQDcode',
    });
    await client.close();
    expect(token).toStrictEqual({
      accessToken: 'EAAVkLX0ZBc0ABOuserTokenFromCode',
      tokenType: 'bearer',
      expiresIn: 5183944,
    });
    const req = fake.requests[0];
    expect(req?.method).toBe('GET');
    expect(req?.path).toBe('/v21.0/oauth/access_token');
    expect(Object.fromEntries(req?.query ?? [])).toStrictEqual({
      client_id: '1517776481860111',
      redirect_uri: 'https://omni.example.com/oauth/fb',
      client_secret: APP_SECRET,
      code: 'AQDcode',
    });
    // The new token is registered with the shared redactor, so no log line can show it.
    expect(redactor.scrubString('token EAAVkLX0ZBc0ABOuserTokenFromCode')).not.toContain('userTokenFromCode');
  });

  it('exchanges for a long-lived token, and refuses without the app secret before sending', async () => {
    fake.handle(() => ({ json: { access_token: 'EAAlong', token_type: 'bearer', expires_in: 5183999 } }));
    const client = clientFor(fake, fake, { appSecret: APP_SECRET });
    expect(await client.exchangeLongLivedFacebookToken({ appId: '1', token: USER_TOKEN })).toMatchObject({
      accessToken: 'EAAlong',
    });
    await client.close();
    expect(Object.fromEntries(fake.requests[0]?.query ?? [])).toMatchObject({
      grant_type: 'fb_exchange_token',
      fb_exchange_token: USER_TOKEN,
    });
    const bare = clientFor(fake);
    await expect(
      bare.exchangeLongLivedFacebookToken({ appId: '1', token: USER_TOKEN }),
    ).rejects.toBeInstanceOf(GraphValidationError);
    await bare.close();
    expect(fake.requests).toHaveLength(1);
  });

  it('lists pages across pages of results and subscribes a page', async () => {
    fake.handle((req) =>
      req.path.endsWith('/subscribed_apps')
        ? { json: { success: true } }
        : {
            json: {
              data: [
                {
                  access_token: 'EAApageTokenLuckyShrub0000000000',
                  category: 'Garden Center',
                  name: 'Lucky Shrub',
                  id: '112233445566778',
                  tasks: ['MESSAGING', 'MANAGE'],
                  instagram_business_account: { id: '17841405793187218' },
                },
              ],
              paging: { cursors: { before: 'a', after: 'b' } },
            },
          },
    );
    const client = clientFor(fake);
    expect(await client.listPages({ token: USER_TOKEN })).toStrictEqual([
      {
        id: '112233445566778',
        name: 'Lucky Shrub',
        accessToken: 'EAApageTokenLuckyShrub0000000000',
        category: 'Garden Center',
        tasks: ['MESSAGING', 'MANAGE'],
        instagramBusinessAccountId: '17841405793187218',
      },
    ]);
    await client.subscribePageApp({
      pageId: '112233445566778',
      token: 'EAApage',
      fields: ['messages', 'messaging_postbacks'],
    });
    await client.close();
    expect(fake.requests[0]?.path).toBe('/v21.0/me/accounts');
    expect(fake.requests[1]?.path).toBe('/v21.0/112233445566778/subscribed_apps');
    expect(fake.requests[1]?.query.get('subscribed_fields')).toBe('messages,messaging_postbacks');
  });
});

describe('Instagram OAuth', () => {
  it('keeps the user_id above 2^53 exact from the flat answer', async () => {
    fake.handle(() => ({
      text: '{"access_token":"IGAA2e0uoy3ZAZABZAshort","user_id":27640875392278831,"permissions":["instagram_business_basic","instagram_business_manage_messages"]}',
    }));
    const client = clientFor(fake, fake, { instagramAppSecret: IG_SECRET });
    const token = await client.exchangeInstagramCode({
      appId: '990000000000001',
      redirectUri: 'https://omni.example.com/oauth/ig',
      code: 'AQBcode',
    });
    await client.close();
    expect(token).toStrictEqual({
      accessToken: 'IGAA2e0uoy3ZAZABZAshort',
      userId: '27640875392278831',
      permissions: ['instagram_business_basic', 'instagram_business_manage_messages'],
    });
    expect(fake.requests[0]?.path).toBe('/ig-oauth/oauth/access_token');
    expect(form(fake.requests[0]?.body)).toMatchObject({
      grant_type: 'authorization_code',
      client_secret: IG_SECRET,
      code: 'AQBcode',
    });
  });

  it('accepts the documented data[] shape with comma-separated permissions', async () => {
    fake.handle(() => ({
      json: {
        data: [
          {
            access_token: 'IGQWRPcGshort',
            user_id: '17841405793187218',
            permissions: 'instagram_business_basic,instagram_business_manage_messages',
          },
        ],
      },
    }));
    const client = clientFor(fake, fake, { instagramAppSecret: IG_SECRET });
    expect(
      await client.exchangeInstagramCode({
        appId: '1',
        redirectUri: 'https://omni.example.com/cb',
        code: 'c',
      }),
    ).toStrictEqual({
      accessToken: 'IGQWRPcGshort',
      userId: '17841405793187218',
      permissions: ['instagram_business_basic', 'instagram_business_manage_messages'],
    });
    await client.close();
  });

  it('exchanges for a long-lived token and refreshes it on the unversioned Instagram paths', async () => {
    fake.handle(() => ({ json: { access_token: 'IGAAlong', token_type: 'bearer', expires_in: 5183944 } }));
    const client = clientFor(fake, fake, { instagramAppSecret: IG_SECRET });
    await client.exchangeInstagramLongLived({ token: 'IGAAshort' });
    await client.refreshInstagramToken({ token: 'IGAAlong' });
    await client.close();
    const [exchange, refresh] = fake.requests;
    expect(exchange?.path).toBe('/ig/access_token');
    expect(Object.fromEntries(exchange?.query ?? [])).toStrictEqual({
      grant_type: 'ig_exchange_token',
      client_secret: IG_SECRET,
      access_token: 'IGAAshort',
    });
    expect(refresh?.path).toBe('/ig/refresh_access_token');
    expect(Object.fromEntries(refresh?.query ?? [])).toStrictEqual({
      grant_type: 'ig_refresh_token',
      access_token: 'IGAAlong',
    });
  });
});

describe('ID matching and FBE', () => {
  it('ids_for_apps requires appsecret_proof: refused before sending without the secret', async () => {
    const bare = clientFor(fake);
    await expect(bare.idsForApps({ psid: '6789012345678901', token: 'EAApage' })).rejects.toMatchObject({
      errorCode: 'GRAPH_VALIDATION',
      retryable: false,
    });
    await bare.close();
    expect(fake.requests).toHaveLength(0);

    fake.handle(() => ({
      json: { data: [{ id: '1234', app: { id: '1517776481860111', name: 'Omni Gateway' } }] },
    }));
    const client = clientFor(fake, fake, { appSecret: APP_SECRET });
    expect(await client.idsForApps({ psid: '6789012345678901', token: 'EAApage' })).toStrictEqual([
      { id: '1234', appId: '1517776481860111', appName: 'Omni Gateway' },
    ]);
    await client.close();
    expect(fake.requests[0]?.query.get('appsecret_proof')).toBe(appsecretProof('EAApage', APP_SECRET));
  });

  it('explains the #200 answered while Meta reviews first use of ids_for_pages', async () => {
    fake.handle(() => ({
      status: 400,
      json: {
        error: { message: '(#200) Permissions error', type: 'OAuthException', code: 200, fbtrace_id: 'x' },
      },
    }));
    const client = clientFor(fake, fake, { appSecret: APP_SECRET });
    const err = await client
      .idsForPages({ asid: '10223344556677889', token: USER_TOKEN })
      .catch((e: unknown) => e);
    await client.close();
    expect(err).toMatchObject({ code: 200, category: 'permission', retryable: false });
    expect((err as Error).message).toMatch(/review/);
  });

  it('requests a system-user token and lists installs', async () => {
    fake.handle((req) =>
      req.method === 'POST'
        ? { json: { access_token: 'EAAVkLX0ZBc0ABOsystemuser' } }
        : {
            json: {
              data: [
                {
                  business_manager_id: '2329417887457253',
                  pixel_id: '1234567890123456',
                  pages: ['112233445566778'],
                  instagram_profiles: ['17841405793187218'],
                  token_type: 'User',
                  installed_features: [
                    {
                      feature_instance_id: '1000000000000001',
                      feature_type: 'catalog',
                      connected_assets: { catalog_id: '354160437058781' },
                    },
                  ],
                },
              ],
            },
          },
    );
    const client = clientFor(fake);
    expect(
      await client.getSystemUserToken({
        businessId: '2329417887457253',
        appId: '1517776481860111',
        scope: ['manage_business_extension'],
        token: USER_TOKEN,
        externalBusinessId: 'shop-42',
      }),
    ).toStrictEqual({ accessToken: 'EAAVkLX0ZBc0ABOsystemuser' });
    expect(await client.listFbeInstalls({ token: USER_TOKEN, externalBusinessId: 'shop-42' })).toStrictEqual([
      {
        businessManagerId: '2329417887457253',
        pixelId: '1234567890123456',
        pages: ['112233445566778'],
        instagramProfiles: ['17841405793187218'],
        tokenType: 'User',
        installedFeatures: [
          {
            featureInstanceId: '1000000000000001',
            featureType: 'catalog',
            connectedAssets: { catalog_id: '354160437058781' },
          },
        ],
      },
    ]);
    await client.close();
    expect(fake.requests[0]?.path).toBe('/v21.0/2329417887457253/access_token');
    expect(form(fake.requests[0]?.body)).toStrictEqual({
      app_id: '1517776481860111',
      scope: 'manage_business_extension',
      fbe_external_business_id: 'shop-42',
    });
    expect(fake.requests[1]?.url).toBe('/v21.0/fbe_business/fbe_installs?fbe_external_business_id=shop-42');
  });
});
