import { createHash } from 'node:crypto';
import { useTestDatabase } from '@omnistream/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayWorld, MESSENGER_CONFIG_ID, PUBLIC_URL, startGatewayWorld, until } from './harness.ts';

const IG_REDIRECT = `${PUBLIC_URL}/oauth/instagram/callback`;
const FB_REDIRECT = `${PUBLIC_URL}/oauth/messenger/callback`;
const IG = { id: '17841405793187218', username: 'luckyshrub' };
const IGSID = '1129842642640637';
const PSID = '6789012345678901';
const DAY = 86_400_000;
const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const JSON_ONLY = { accept: 'application/json' };

describe('OAuth onboarding (real PostgreSQL, broker and meta-sim over HTTP)', () => {
  const db = useTestDatabase();
  let world: GatewayWorld;
  /** Every response body the tests saw, to prove no token ever left the gateway. */
  const bodies: string[] = [];
  let codes = 0;

  beforeAll(async () => {
    world = await startGatewayWorld(db.pool, {
      instagramTokenRefresh: { intervalMs: 150, refreshWithinDays: 10 },
    });
    world.sim.accounts.addInstagramAccount({ igUserId: IG.id, username: IG.username });
  });
  afterAll(() => world?.stop());

  async function start(provider: 'instagram' | 'messenger', headers: Record<string, string> = {}) {
    const res = await world.gateway.app.inject({
      method: 'GET',
      url: `/oauth/${provider}/start`,
      headers: { authorization: `Bearer ${world.adminKey}`, ...headers },
    });
    bodies.push(res.body);
    return res;
  }

  /** Starts a flow the way a browser does and returns the dialog URL the gateway redirected to. */
  async function dialog(provider: 'instagram' | 'messenger') {
    const res = await start(provider, HTML);
    expect(res.statusCode).toBe(302);
    const url = new URL(String(res.headers.location));
    return { url, state: url.searchParams.get('state') ?? '' };
  }

  async function callback(
    provider: 'instagram' | 'messenger',
    query: Record<string, string>,
    headers: Record<string, string> = JSON_ONLY,
  ) {
    const res = await world.gateway.app.inject({
      method: 'GET',
      url: `/oauth/${provider}/callback?${new URLSearchParams(query)}`,
      headers,
    });
    bodies.push(res.body);
    // biome-ignore lint/suspicious/noExplicitAny: tests read response fields directly and assert them
    let json: any;
    try {
      json = res.json();
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, json, text: res.body, headers: res.headers };
  }

  function instagramCode(accounts = [IG.id]): string {
    const code = `AQig${++codes}`;
    world.sim.oauth.addCode({ code, flow: 'instagram', redirectUri: IG_REDIRECT, accounts });
    return code;
  }

  function facebookCode(accounts: string[]): string {
    const code = `AQfb${++codes}`;
    world.sim.oauth.addCode({ code, flow: 'facebook', redirectUri: FB_REDIRECT, accounts });
    return code;
  }

  const active = async (channel: 'instagram' | 'messenger') =>
    (await world.gateway.integrations.list({ channel, status: 'active', limit: 200 })).items;

  async function tokenOf(integrationId: string): Promise<string> {
    const found = (await world.gateway.integrations.loadActiveTokens()).find(
      (t) => t.integration.id === integrationId,
    );
    if (!found) throw new Error(`no active integration ${integrationId}`);
    return found.token;
  }

  async function expectStoredEncrypted(integrationId: string, token: string) {
    const { rows } = await db.pool.query(
      'SELECT token_ciphertext, token_last4 FROM integrations WHERE id = $1',
      [integrationId],
    );
    expect(rows[0].token_ciphertext).not.toContain(token);
    expect(rows[0].token_last4).toBe(token.slice(-4));
  }

  describe('start', () => {
    it('refuses a start without a valid admin key with 401, for both providers', async () => {
      for (const provider of ['instagram', 'messenger']) {
        for (const headers of [{}, { authorization: 'Bearer osk_not-a-key' }]) {
          const res = await world.gateway.app.inject({
            method: 'GET',
            url: `/oauth/${provider}/start`,
            headers,
          });
          expect(res.statusCode, provider).toBe(401);
          expect(res.headers.location).toBeUndefined();
          expect(res.json().error.code).toBe('GW_UNAUTHORIZED');
        }
      }
    });

    it("redirects to Instagram's authorize page with the app, redirect URI, messaging scopes and a 256-bit state", async () => {
      const { url, state } = await dialog('instagram');
      expect(`${url.origin}${url.pathname}`).toBe('https://www.instagram.com/oauth/authorize');
      expect(url.searchParams.get('client_id')).toBe(world.sim.app.instagramAppId);
      expect(url.searchParams.get('redirect_uri')).toBe(IG_REDIRECT);
      expect(url.searchParams.get('response_type')).toBe('code');
      expect(url.searchParams.get('scope')?.split(',')).toEqual([
        'instagram_business_basic',
        'instagram_business_manage_messages',
      ]);
      expect(Buffer.from(state, 'base64url')).toHaveLength(32);
      const other = await dialog('instagram');
      expect(other.state).not.toBe(state);
    });

    it('redirects to the Facebook Login for Business dialog of the Graph version in use, with config_id', async () => {
      const { url, state } = await dialog('messenger');
      expect(`${url.origin}${url.pathname}`).toBe('https://www.facebook.com/v21.0/dialog/oauth');
      expect(Object.fromEntries(url.searchParams)).toEqual({
        client_id: world.sim.app.id,
        redirect_uri: FB_REDIRECT,
        config_id: MESSENGER_CONFIG_ID,
        response_type: 'code',
        state,
      });
    });

    it('documents the routes in the OpenAPI document, start with the admin key', async () => {
      const doc = (await world.gateway.app.inject({ method: 'GET', url: '/openapi.json' })).json();
      for (const provider of ['instagram', 'messenger']) {
        expect(doc.paths[`/oauth/${provider}/start`].get.security).toEqual([
          { adminKey: [] },
          { consoleSession: [] },
        ]);
        const params = doc.paths[`/oauth/${provider}/callback`].get.parameters.map(
          (p: { name: string }) => p.name,
        );
        expect(params).toEqual(expect.arrayContaining(['code', 'state', 'error', 'error_description']));
      }
    });

    it('answers the dialog URL as JSON to a client that asks for JSON, valid for 10 minutes', async () => {
      const res = await start('instagram', JSON_ONLY);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ provider: 'instagram', redirectUri: IG_REDIRECT });
      expect(new URL(body.authorizeUrl).searchParams.get('state')).toMatch(/^[\w-]{43}$/);
      const ttl = Date.parse(body.expiresAt) - Date.now();
      expect(ttl).toBeGreaterThan(9 * 60_000);
      expect(ttl).toBeLessThanOrEqual(10 * 60_000 + 5_000);
    });
  });

  describe('Instagram Login', () => {
    it('connects the account: page for the browser, encrypted long-lived token, webhooks subscribed, sends work', async () => {
      const { state } = await dialog('instagram');
      const res = await callback('instagram', { code: instagramCode(), state }, HTML);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.text).toContain('Instagram connected');
      expect(res.text).toContain(`${IG.username} (${IG.id}): new connection`);
      // Back to where the admin started it (docs/console.md).
      expect(res.text).toContain('<a href="/console/integrations">Back to the console</a>');

      const [integration, ...more] = await active('instagram');
      expect(more).toEqual([]);
      expect(integration).toMatchObject({
        igUserId: IG.id,
        name: IG.username,
        tokenType: 'instagram_user',
        connectionStatus: 'connected',
        needsReauth: false,
      });
      const expiresIn = (integration?.tokenExpiresAt?.getTime() ?? 0) - Date.now();
      expect(expiresIn).toBeGreaterThan(59 * DAY);
      expect(expiresIn).toBeLessThan(61 * DAY);
      expect(world.sim.business.subscriptions(IG.id)).toEqual([
        'messages',
        'messaging_postbacks',
        'messaging_seen',
        'message_reactions',
      ]);

      const id = integration?.id ?? '';
      const token = await tokenOf(id);
      await expectStoredEncrypted(id, token);
      await expect(
        world.gateway.graph.sendInstagram({
          igUserId: IG.id,
          token,
          recipientId: IGSID,
          message: { type: 'text', text: 'hello from onboarding' },
        }),
      ).resolves.toMatchObject({ recipientId: IGSID });
    });

    it('connecting the same account again renews the token of the same integration and clears needs_reauth', async () => {
      const [before] = await active('instagram');
      const id = before?.id ?? '';
      const oldToken = await tokenOf(id);
      await world.gateway.integrations.update(id, { needsReauth: true });

      const { state } = await dialog('instagram');
      const res = await callback('instagram', { code: instagramCode(), state });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        provider: 'instagram',
        connected: [
          {
            integrationId: id,
            channel: 'instagram',
            accountId: IG.id,
            name: IG.username,
            action: 'updated',
            tokenExpiresAt: expect.any(String),
          },
        ],
        skipped: [],
      });
      const after = await active('instagram');
      expect(after.map((i) => i.id)).toEqual([id]);
      expect(after[0]?.needsReauth).toBe(false);
      expect(await tokenOf(id)).not.toBe(oldToken);
    });

    it('refuses a state used once already, and changes nothing', async () => {
      const { state } = await dialog('instagram');
      const code = instagramCode();
      expect((await callback('instagram', { code, state })).status).toBe(200);
      const [before] = await active('instagram');

      const again = await callback('instagram', { code: instagramCode(), state });
      expect(again.status).toBe(400);
      expect(again.json.error).toMatchObject({ code: 'GW_BAD_REQUEST', reason: 'used' });
      expect(again.json.error.message).toMatch(/already completed/);
      const [after] = await active('instagram');
      expect(after?.rotatedAt).toEqual(before?.rotatedAt);
    });

    it('refuses an expired state with 400 and connects nothing', async () => {
      const { state } = await dialog('instagram');
      const hash = createHash('sha256').update(state).digest();
      await db.pool.query(
        `UPDATE oauth_states SET expires_at = now() - interval '1 second' WHERE state_hash = $1`,
        [hash],
      );
      const [before] = await active('instagram');
      const res = await callback('instagram', { code: instagramCode(), state }, HTML);
      expect(res.status).toBe(400);
      expect(res.text).toContain('Instagram was not connected');
      expect(res.text).toContain('expired');
      expect(res.text).toContain('<a href="/console/integrations">Back to the console</a>');
      const [after] = await active('instagram');
      expect(after?.rotatedAt).toEqual(before?.rotatedAt);
    });

    it('refuses an unknown or missing state', async () => {
      const unknown = await callback('instagram', { code: instagramCode(), state: 'x'.repeat(43) });
      expect(unknown.status).toBe(400);
      expect(unknown.json.error.reason).toBe('unknown');
      const missing = await callback('instagram', { code: instagramCode() });
      expect(missing.status).toBe(400);
      expect(missing.json.error.reason).toBe('missing_state');
    });

    it("refuses a state started for Messenger on Instagram's callback, which leaves it usable on its own", async () => {
      const { state } = await dialog('messenger');
      const res = await callback('instagram', { code: instagramCode(), state });
      expect(res.status).toBe(400);
      expect(res.json.error.reason).toBe('wrong_provider');
      const denied = await callback('messenger', { error: 'access_denied', state });
      expect(denied.json.error.reason).toBe('access_denied');
    });

    it('tells the user nothing was connected when they denied access, and burns the state', async () => {
      const countBefore = (await active('instagram')).length;
      const { state } = await dialog('instagram');
      const res = await callback(
        'instagram',
        {
          error: 'access_denied',
          error_reason: 'user_denied',
          error_description: 'The user denied your request.',
          state,
        },
        HTML,
      );
      expect(res.status).toBe(400);
      expect(res.text).toContain('Instagram was not connected');
      expect(res.text).toContain('The user denied your request.');
      expect((await active('instagram')).length).toBe(countBefore);
      expect((await callback('instagram', { code: instagramCode(), state })).json.error.reason).toBe('used');
    });

    it("answers 400 with Meta's reason when Meta refuses the code, and never echoes the code", async () => {
      const [before] = await active('instagram');
      const { state } = await dialog('instagram');
      const res = await callback('instagram', { code: 'AQnever-issued-code', state });
      expect(res.status).toBe(400);
      expect(res.json.error).toMatchObject({
        code: 'GW_BAD_REQUEST',
        reason: 'meta_error',
        meta: { code: 100 },
      });
      expect(res.json.error.message).toMatch(
        /^Meta refused to exchange the authorization code: .+\(Meta error 100/,
      );
      expect(res.text).not.toContain('AQnever-issued-code');
      const [after] = await active('instagram');
      expect(after?.rotatedAt).toEqual(before?.rotatedAt);
    });

    it('stores nothing when a later step fails after the code was accepted', async () => {
      const other = '17841400000000001';
      world.sim.accounts.addInstagramAccount({ igUserId: other, username: 'half_done' });
      world.sim.faults.add({
        id: 'ig-long-lived-down',
        match: { pathPattern: '/instagram/access_token' },
        action: { type: 'error', status: 500, code: 2 },
        times: 1,
      });
      const { state } = await dialog('instagram');
      const res = await callback('instagram', { code: instagramCode([other]), state });
      expect(res.status).toBe(503);
      expect(res.json.error).toMatchObject({
        code: 'GW_UNAVAILABLE',
        reason: 'meta_error',
        meta: { code: 2 },
      });
      expect(res.json.error.message).toMatch(/^Meta could not exchange the token for a long-lived one now: /);
      expect((await active('instagram')).some((i) => i.igUserId === other)).toBe(false);
    });

    it('refuses a login that did not grant the messaging permission, and connects nothing', async () => {
      const other = '17841400000000002';
      world.sim.accounts.addInstagramAccount({ igUserId: other, username: 'basic_only' });
      const code = `AQig${++codes}`;
      world.sim.oauth.addCode({
        code,
        flow: 'instagram',
        redirectUri: IG_REDIRECT,
        accounts: [other],
        scopes: ['instagram_business_basic'],
      });
      const { state } = await dialog('instagram');
      const res = await callback('instagram', { code, state });
      expect(res.status).toBe(400);
      expect(res.json.error.reason).toBe('permission_not_granted');
      expect(res.json.error.message).toContain('instagram_business_manage_messages');
      expect((await active('instagram')).some((i) => i.igUserId === other)).toBe(false);
    });

    it('refuses with 403 when the admin key that started the flow was revoked meanwhile', async () => {
      const created = await world.call('POST', '/admin/api-keys', { name: 'short-lived operator' });
      const res = await world.gateway.app.inject({
        method: 'GET',
        url: '/oauth/instagram/start',
        headers: { authorization: `Bearer ${created.body.key}`, ...JSON_ONLY },
      });
      const state = new URL(res.json().authorizeUrl).searchParams.get('state') ?? '';
      expect((await world.call('DELETE', `/admin/api-keys/${created.body.id}`)).status).toBe(200);
      const cb = await callback('instagram', { code: instagramCode(), state });
      expect(cb.status).toBe(403);
      expect(cb.json.error.reason).toBe('admin_key_revoked');
    });
  });

  describe('Messenger (Facebook Login for Business)', () => {
    const pageIds = Array.from({ length: 27 }, (_, i) => `1122334455${String(i).padStart(5, '0')}`);

    it('connects every granted Page across result pages, subscribes each, and renews an existing one', async () => {
      for (const pageId of pageIds) world.sim.accounts.addPage({ pageId, name: `Shop ${pageId.slice(-2)}` });
      // One Page was connected before by hand with a token that is now replaced.
      const existing = await world.gateway.integrations.create({
        channel: 'messenger',
        pageId: pageIds[3] as string,
        token: 'EAAGoldManualPageToken0000',
        tokenType: 'system_user',
      });

      const { state } = await dialog('messenger');
      const res = await callback('messenger', { code: facebookCode(pageIds), state });
      expect(res.status).toBe(200);
      expect(res.json.connected).toHaveLength(27);
      expect(res.json.skipped).toEqual([]);
      expect(res.json.connected.filter((c: { action: string }) => c.action === 'updated')).toEqual([
        expect.objectContaining({ integrationId: existing.id, accountId: pageIds[3], action: 'updated' }),
      ]);

      const integrations = await active('messenger');
      expect(integrations.map((i) => i.pageId).sort()).toEqual([...pageIds].sort());
      for (const i of integrations) {
        expect(i).toMatchObject({ tokenType: 'page', tokenExpiresAt: null, connectionStatus: 'connected' });
        expect(world.sim.business.subscriptions(i.pageId ?? '')).toEqual([
          'messages',
          'messaging_postbacks',
          'message_deliveries',
          'message_reads',
          'message_echoes',
          'message_reactions',
        ]);
      }
      const renewed = integrations.find((i) => i.id === existing.id);
      const token = await tokenOf(existing.id);
      expect(token).not.toBe('EAAGoldManualPageToken0000');
      expect(renewed?.name).toBe(`Shop 03`);
      await expectStoredEncrypted(existing.id, token);
      await expect(
        world.gateway.graph.sendMessenger({
          pageId: pageIds[3] as string,
          token,
          recipientId: PSID,
          messagingType: 'RESPONSE',
          message: { type: 'text', text: 'hi' },
        }),
      ).resolves.toMatchObject({ recipientId: PSID });
    });

    it('shows the connected Pages on a page for the browser', async () => {
      const pageId = '998877665544332';
      world.sim.accounts.addPage({ pageId, name: 'Café <Élan> & Co' });
      const { state } = await dialog('messenger');
      const res = await callback('messenger', { code: facebookCode([pageId]), state }, HTML);
      expect(res.status).toBe(200);
      expect(res.text).toContain('Messenger connected');
      expect(res.text).toContain('Connected 1 Page.');
      expect(res.text).toContain('Café &lt;Élan&gt; &amp; Co (998877665544332): new connection');
    });

    it('connects nothing when one Page cannot be subscribed, and names that Page', async () => {
      const fresh = ['556600000000001', '556600000000002', '556600000000003'];
      for (const pageId of fresh) world.sim.accounts.addPage({ pageId, name: `Branch ${pageId.slice(-1)}` });
      world.sim.faults.add({
        id: 'subscribe-refused',
        match: { method: 'POST', pathPattern: `/*/${fresh[1]}/subscribed_apps` },
        action: { type: 'error', code: 200 },
        times: 1,
      });
      const before = (await active('messenger')).length;
      const { state } = await dialog('messenger');
      const res = await callback('messenger', { code: facebookCode(fresh), state });
      expect(res.status).toBe(502);
      expect(res.json.error.reason).toBe('meta_error');
      expect(res.json.error.message).toContain(`subscribe the Page "Branch 2" (${fresh[1]})`);
      expect(res.json.error.message).toContain('Nothing was connected');
      const after = await active('messenger');
      expect(after.length).toBe(before);
      expect(after.some((i) => fresh.includes(i.pageId ?? ''))).toBe(false);
    });

    it('answers 400 when the login granted no Page', async () => {
      const { state } = await dialog('messenger');
      const res = await callback('messenger', { code: facebookCode([]), state }, HTML);
      expect(res.status).toBe(400);
      expect(res.text).toContain('Messenger was not connected');
      expect(res.text).toContain('granted no Facebook Page');
    });

    it('answers 503 when Meta is unavailable for the code exchange', async () => {
      world.sim.faults.add({
        id: 'fb-exchange-down',
        match: { pathPattern: '/*/oauth/access_token' },
        action: { type: 'error', status: 500, code: 2 },
        times: 1,
      });
      const before = (await active('messenger')).length;
      const { state } = await dialog('messenger');
      const res = await callback('messenger', { code: facebookCode([pageIds[0] as string]), state });
      expect(res.status).toBe(503);
      expect(res.json.error.code).toBe('GW_UNAVAILABLE');
      expect((await active('messenger')).length).toBe(before);
    });
  });

  describe('Instagram token refresh job', () => {
    const passes = () => world.logs.filter((l) => l.includes('Instagram token refresh pass done')).length;

    it('refreshes a token nearing expiry, leaves a too-young one alone, and flags one Meta refuses', async () => {
      const accounts = {
        due: { id: '17841400000000101', token: 'IGAArefreshDueToken0101' },
        young: { id: '17841400000000102', token: 'IGAArefreshYoungToken0102' },
        refused: { id: '17841400000000103', token: 'IGAArefreshRefusedToken0103' },
      };
      const ids: Record<string, string> = {};
      for (const [name, a] of Object.entries(accounts)) {
        world.sim.accounts.addInstagramAccount({ igUserId: a.id, username: name, tokens: [a.token] });
        const created = await world.gateway.integrations.create({
          channel: 'instagram',
          igUserId: a.id,
          token: a.token,
          tokenType: 'instagram_user',
          tokenExpiresAt: new Date(Date.now() + 3 * DAY),
        });
        ids[name] = created.id;
      }
      world.sim.accounts.revokeToken(accounts.refused.token, 'invalidated');
      // Meta refreshes only tokens at least 24 hours old: age two of them.
      await db.pool.query(
        `UPDATE integrations SET created_at = now() - interval '2 days' WHERE id = ANY($1)`,
        [[ids.due, ids.refused]],
      );

      const integration = (id: string | undefined) => () => world.gateway.integrations.get(id ?? '');
      const refreshed = await until(integration(ids.due), (i) => Boolean(i?.rotatedAt), 10_000);
      const flagged = await until(integration(ids.refused), (i) => Boolean(i?.needsReauth), 10_000);
      const seen = passes();
      await until(passes, (n) => n >= seen + 2, 10_000);

      expect((refreshed?.tokenExpiresAt?.getTime() ?? 0) - Date.now()).toBeGreaterThan(59 * DAY);
      const newToken = await tokenOf(ids.due as string);
      expect(newToken).not.toBe(accounts.due.token);
      await expectStoredEncrypted(ids.due as string, newToken);
      await expect(
        world.gateway.graph.sendInstagram({
          igUserId: accounts.due.id,
          token: newToken,
          recipientId: IGSID,
          message: { type: 'text', text: 'still here' },
        }),
      ).resolves.toMatchObject({ recipientId: IGSID });

      expect(flagged?.connectionStatus).toBe('error');
      expect(flagged?.connectionError?.code).toBe(190);
      const young = await world.gateway.integrations.get(ids.young as string);
      expect(young?.rotatedAt).toBeNull();
      expect(await tokenOf(ids.young as string)).toBe(accounts.young.token);

      const flagLog = world.logs.find((l) => l.includes('integration needs re-authorization'));
      expect(flagLog).toContain(ids.refused);
      const logs = world.logs.join('\n');
      for (const token of [accounts.due.token, newToken, accounts.refused.token])
        expect(logs).not.toContain(token);
    });
  });

  it('never shows a token in a response or a log line', async () => {
    const tokens = (await world.gateway.integrations.loadActiveTokens()).map((t) => t.token);
    expect(tokens.length).toBeGreaterThan(25);
    const everything = `${bodies.join('\n')}\n${world.logs.join('\n')}`;
    for (const token of tokens) expect(everything).not.toContain(token);
    expect(everything).not.toContain(world.adminKey);
  });
});
