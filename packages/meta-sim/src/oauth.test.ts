import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IG, PAGE, startTestSim, type TestSim } from './test-kit.ts';

let t: TestSim;
beforeAll(async () => {
  t = await startTestSim({
    app: {
      id: '1517776481860111',
      secret: 'fb-secret',
      instagramAppId: '990011',
      instagramAppSecret: 'ig-secret',
    },
  });
});
afterAll(() => t.sim.stop());
beforeEach(() => t.sim.reset('all'));

const REDIRECT = 'https://gateway.example.com/oauth/callback';

describe('Facebook Login', () => {
  it('exchanges a code for a user token, then a long-lived one, lists the Pages and subscribes one', async () => {
    t.sim.oauth.addCode({
      code: 'fb-code-1',
      flow: 'facebook',
      redirectUri: REDIRECT,
      accounts: [PAGE.pageId],
      userId: '10223344556677889',
    });
    const q = new URLSearchParams({
      client_id: '1517776481860111',
      client_secret: 'fb-secret',
      redirect_uri: REDIRECT,
      code: 'fb-code-1',
    });
    const short = await t.get(`/oauth/access_token?${q}`, { token: null });
    expect(short.status).toBe(200);
    expect(short.json).toEqual({
      access_token: expect.stringMatching(/^EAAG/),
      token_type: 'bearer',
      expires_in: 5183944,
    });

    const again = await t.get(`/oauth/access_token?${q}`, { token: null });
    expect(again.status).toBe(400);
    expect(again.json.error).toMatchObject({
      code: 100,
      type: 'OAuthException',
      message: 'This authorization code has been used.',
    });

    const lq = new URLSearchParams({
      grant_type: 'fb_exchange_token',
      client_id: '1517776481860111',
      client_secret: 'fb-secret',
      fb_exchange_token: short.json.access_token,
    });
    const long = await t.get(`/oauth/access_token?${lq}`, { token: null });
    expect(long.json).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 5183999,
    });
    expect(long.json.access_token).not.toBe(short.json.access_token);

    const me = await t.get('/me?fields=id,name', { token: long.json.access_token });
    expect(me.json).toEqual({ name: 'Sheena Nelson', id: '10223344556677889' });

    const pages = await t.get('/me/accounts', { token: long.json.access_token });
    expect(pages.json).toEqual({
      data: [
        {
          access_token: PAGE.token,
          category: 'Garden Center',
          category_list: [{ id: '2250', name: 'Garden Center' }],
          name: 'Lucky Shrub',
          id: PAGE.pageId,
          tasks: expect.arrayContaining(['MESSAGING', 'MANAGE']),
        },
      ],
      paging: { cursors: { before: expect.any(String), after: expect.any(String) } },
    });

    const sub = await t.post(
      `/${PAGE.pageId}/subscribed_apps?subscribed_fields=messages,messaging_postbacks`,
      undefined,
      { token: PAGE.token },
    );
    expect(sub.json).toEqual({ success: true });
    const subs = await t.get(`/${PAGE.pageId}/subscribed_apps`, { token: PAGE.token });
    expect(subs.json.data[0]).toMatchObject({
      id: '1517776481860111',
      subscribed_fields: ['messages', 'messaging_postbacks'],
    });
  });

  it('refuses an unknown code, a wrong redirect_uri and a wrong client secret', async () => {
    t.sim.oauth.addCode({ code: 'fb-code-2', flow: 'facebook', redirectUri: REDIRECT });
    const base = { client_id: '1517776481860111', client_secret: 'fb-secret', redirect_uri: REDIRECT };
    const unknown = await t.get(`/oauth/access_token?${new URLSearchParams({ ...base, code: 'nope' })}`, {
      token: null,
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatchObject({ code: 100, type: 'OAuthException' });
    const redirect = await t.get(
      `/oauth/access_token?${new URLSearchParams({ ...base, redirect_uri: 'https://evil.example', code: 'fb-code-2' })}`,
      { token: null },
    );
    expect(redirect.json.error.message).toMatch(/redirect_uri is identical/);
    const secret = await t.get(
      `/oauth/access_token?${new URLSearchParams({ ...base, client_secret: 'wrong', code: 'fb-code-2' })}`,
      { token: null },
    );
    expect(secret.json.error).toMatchObject({ code: 1, message: 'Error validating client secret.' });
  });

  it('reports tokens through debug_token: valid with granular scopes, revoked with data.error.subcode', async () => {
    const app = { token: '1517776481860111|fb-secret' };
    const valid = await t.get(`/debug_token?input_token=${PAGE.token}`, app);
    expect(valid.status).toBe(200);
    expect(valid.json.data).toMatchObject({
      app_id: '1517776481860111',
      type: 'PAGE',
      is_valid: true,
      expires_at: 0,
      scopes: expect.arrayContaining(['pages_messaging']),
      granular_scopes: expect.arrayContaining([{ scope: 'pages_messaging', target_ids: [PAGE.pageId] }]),
    });
    t.sim.accounts.revokeToken(PAGE.token, 'expired');
    const revoked = await t.get(`/debug_token?input_token=${PAGE.token}`, app);
    expect(revoked.status).toBe(200);
    expect(revoked.json.data).toMatchObject({ is_valid: false, error: { code: 190, subcode: 463 } });
    const garbage = await t.get('/debug_token?input_token=garbage', app);
    expect(garbage.json.data).toEqual({
      error: { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' },
      is_valid: false,
      scopes: [],
    });
    const wrongCaller = await t.get('/debug_token?input_token=garbage', { token: '1517776481860111|wrong' });
    expect(wrongCaller.status).toBe(401);
  });

  it('pages /me/accounts 25 at a time with a next link that leads to every granted Page once', async () => {
    const ids = Array.from({ length: 27 }, (_, i) => `90000000000${String(i).padStart(4, '0')}`);
    for (const pageId of ids) t.sim.accounts.addPage({ pageId, name: `Page ${pageId}` });
    t.sim.accounts.addToken({ token: 'EAAGmanyPagesUser', type: 'USER', accounts: ids });
    const first = await t.get('/me/accounts?fields=id,name,access_token', { token: 'EAAGmanyPagesUser' });
    expect(first.json.data).toHaveLength(25);
    expect(first.json.paging.next).toEqual(expect.stringContaining('/me/accounts?'));
    const next = new URL(first.json.paging.next);
    expect(next.searchParams.get('fields')).toBe('id,name,access_token');
    const second = (await fetch(next).then((r) => r.json())) as {
      data: { id: string }[];
      paging: { next?: string };
    };
    expect(second.data).toHaveLength(2);
    expect(second.paging.next).toBeUndefined();
    const seen = [...first.json.data, ...second.data].map((p: { id: string }) => p.id);
    expect(seen).toEqual(ids);
  });

  it('answers GET /me as the Page for a Page token', async () => {
    const me = await t.get('/me', { token: PAGE.token });
    expect(me.json).toEqual({ name: 'Lucky Shrub', id: PAGE.pageId });
  });
});

describe('Instagram Login', () => {
  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

  it('code → short-lived token with a user_id number above 2^53 → long-lived → refreshed → /me', async () => {
    t.sim.oauth.addCode({
      code: 'ig-code',
      flow: 'instagram',
      redirectUri: REDIRECT,
      accounts: [IG.igUserId],
      userId: '27640875392278831',
    });
    const res = await fetch(
      `${t.sim.instagramBaseUrl}/oauth/access_token`,
      form({
        client_id: '990011',
        client_secret: 'ig-secret',
        grant_type: 'authorization_code',
        redirect_uri: REDIRECT,
        code: 'ig-code',
      }),
    );
    expect(res.status).toBe(200);
    const raw = await res.text();
    // The exact digits are on the wire as a number literal; JSON.parse would round them.
    expect(raw).toMatch(
      /^\{"access_token":"IGAA[^"]+","user_id":27640875392278831,"permissions":\["instagram_business_basic","instagram_business_manage_messages"\]\}$/,
    );
    expect(String(JSON.parse(raw).user_id)).not.toBe('27640875392278831');
    const short = JSON.parse(raw).access_token as string;

    const long = await t.get(
      `/access_token?${new URLSearchParams({ grant_type: 'ig_exchange_token', client_secret: 'ig-secret', access_token: short })}`,
      {
        base: t.sim.instagramBaseUrl,
        token: null,
      },
    );
    expect(long.json).toEqual({
      access_token: expect.stringMatching(/^IGAA/),
      token_type: 'bearer',
      expires_in: 5183944,
    });

    const refreshed = await t.get(
      `/refresh_access_token?grant_type=ig_refresh_token&access_token=${long.json.access_token}`,
      {
        base: t.sim.instagramBaseUrl,
        token: null,
      },
    );
    expect(refreshed.json).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 5184000,
    });

    const me = await t.get('/me?fields=user_id,username', {
      base: t.sim.instagramUrl,
      token: refreshed.json.access_token,
    });
    expect(me.json).toEqual({ user_id: IG.igUserId, username: 'luckyshrub', id: IG.igUserId });

    const send = await t.post(
      '/me/messages',
      { recipient: { id: '42' }, message: { text: 'hi' } },
      { base: t.sim.instagramUrl, token: refreshed.json.access_token },
    );
    expect(send.status).toBe(200);
  });

  it('refuses an unknown code with 100 OAuthException, HTTP 400', async () => {
    const res = await fetch(
      `${t.sim.instagramBaseUrl}/oauth/access_token`,
      form({
        client_id: '990011',
        client_secret: 'ig-secret',
        grant_type: 'authorization_code',
        redirect_uri: REDIRECT,
        code: 'nope',
      }),
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: unknown }).error).toMatchObject({
      code: 100,
      type: 'OAuthException',
    });
  });

  it('refuses the exchange with the wrong Instagram app secret', async () => {
    const res = await t.get(
      `/access_token?grant_type=ig_exchange_token&client_secret=fb-secret&access_token=${IG.token}`,
      {
        base: t.sim.instagramBaseUrl,
        token: null,
      },
    );
    expect(res.json.error).toMatchObject({ code: 1 });
  });
});
