import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@omnistream/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayWorld, startGatewayWorld } from './harness.ts';

type Call = GatewayWorld['call'];

describe('integrations admin API (real PostgreSQL, broker and meta-sim)', () => {
  const db = useTestDatabase();
  let world: GatewayWorld;
  /** Every response body of the file, to check no token ever left the gateway. */
  const responses: string[] = [];
  /** Every token handed to the gateway in this file. */
  const tokens: string[] = [];
  const call: Call = async (...args) => {
    const res = await world.call(...args);
    responses.push(res.text);
    return res;
  };

  beforeAll(async () => {
    world = await startGatewayWorld(db.pool);
  });
  afterEach(() => world.sim.faults.clear());
  afterAll(() => world?.stop());

  let seq = 0;
  const id = (prefix: string) => `${prefix}${Date.now() % 1e8}${String(++seq).padStart(4, '0')}`;
  const token = (prefix: string) => {
    const t = `${prefix}${randomUUID().replaceAll('-', '')}`;
    tokens.push(t);
    return t;
  };

  /** A WhatsApp number known to meta-sim, with a system-user token granted on it. */
  function whatsapp() {
    const account = { phoneNumberId: id('1065'), wabaId: id('1022'), businessManagerId: id('3300') };
    const t = token('EAAGwa');
    world.sim.accounts.addWhatsAppNumber({ ...account, tokens: [t] });
    return { ...account, token: t, body: { channel: 'whatsapp', ...account, token: t } };
  }
  function page() {
    const pageId = id('5550');
    const t = token('EAAGpage');
    world.sim.accounts.addPage({ pageId, tokens: [t] });
    return { pageId, token: t, body: { channel: 'messenger', pageId, token: t } };
  }
  function instagram() {
    const igUserId = id('1784');
    const t = token('IGAAig');
    world.sim.accounts.addInstagramAccount({ igUserId, tokens: [t] });
    return { igUserId, token: t, body: { channel: 'instagram', igUserId, token: t } };
  }
  const throttleTokenChecks = () =>
    world.sim.faults.add({
      match: { pathPattern: '**/me' },
      action: { type: 'error', code: 4, retryAfter: 7 },
    });

  it('reports a valid token that cannot manage the WABA it was connected with', async () => {
    const wa = whatsapp();
    // A valid token of another business: it sees its own WABA, not this one.
    const other = token('EAAGother');
    world.sim.accounts.addWhatsAppNumber({ phoneNumberId: id('1065'), wabaId: id('1022'), tokens: [other] });
    const res = await call('POST', '/admin/integrations', { ...wa.body, token: other });
    expect(res.status).toBe(201);
    expect(res.body.connectionStatus).toBe('error');
    expect(res.body.connectionError.message).toContain(`could not subscribe the app to WABA ${wa.wabaId}`);
    expect(world.sim.business.subscriptions(wa.wabaId)).toBeUndefined();
  });

  it('connects a WhatsApp number, a Messenger Page and an Instagram account: pending → connected', async () => {
    const wa = whatsapp();
    const fb = page();
    const ig = instagram();

    const created = await call('POST', '/admin/integrations', { ...wa.body, name: 'Loja Centro' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      channel: 'whatsapp',
      name: 'Loja Centro',
      businessManagerId: wa.businessManagerId,
      wabaId: wa.wabaId,
      phoneNumberId: wa.phoneNumberId,
      status: 'active',
      needsReauth: false,
      connectionStatus: 'connected',
      connectionError: null,
      tokenLast4: wa.token.slice(-4),
      tokenType: 'system_user',
      tokenExpiresAt: null,
    });
    expect(created.body.verificationDeferred).toBeUndefined();
    expect(Date.parse(created.body.verifiedAt)).toBeGreaterThan(Date.now() - 60_000);
    // Meta sends a WABA's webhooks only to apps subscribed to it: connecting the number does that.
    expect(world.sim.business.subscriptions(wa.wabaId)).toBeDefined();

    const messenger = await call('POST', '/admin/integrations', fb.body);
    expect(messenger.status).toBe(201);
    expect(messenger.body).toMatchObject({
      channel: 'messenger',
      pageId: fb.pageId,
      phoneNumberId: null,
      tokenType: 'page',
      connectionStatus: 'connected',
    });

    const expiresAt = new Date(Date.now() + 60 * 86_400_000).toISOString();
    const insta = await call('POST', '/admin/integrations', { ...ig.body, tokenExpiresAt: expiresAt });
    expect(insta.status).toBe(201);
    expect(insta.body).toMatchObject({
      channel: 'instagram',
      igUserId: ig.igUserId,
      tokenType: 'instagram_user',
      tokenExpiresAt: expiresAt,
      connectionStatus: 'connected',
    });

    // The state is stored, not only answered.
    const again = await call('GET', `/admin/integrations/${created.body.id}`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(created.body);
  });

  it("records Meta's refusal of a bad token as error with Meta's own message and code", async () => {
    const wa = whatsapp();
    const unknown = token('EAAGnotissued');
    const bad = await call('POST', '/admin/integrations', { ...wa.body, token: unknown });
    expect(bad.status).toBe(201);
    expect(bad.body).toMatchObject({
      connectionStatus: 'error',
      connectionError: { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' },
      tokenLast4: unknown.slice(-4),
    });

    const ig = instagram();
    world.sim.accounts.revokeToken(ig.token, 'expired');
    const expired = await call('POST', '/admin/integrations', ig.body);
    expect(expired.body.connectionStatus).toBe('error');
    expect(expired.body.connectionError).toMatchObject({ code: 190, subcode: 463 });
    expect(expired.body.connectionError.message).toMatch(
      /^Error validating access token: Session has expired/,
    );

    // Rotating to the right token connects it.
    const fixed = await call('PUT', `/admin/integrations/${bad.body.id}/token`, { token: wa.token });
    expect(fixed.status).toBe(200);
    expect(fixed.body).toMatchObject({
      connectionStatus: 'connected',
      connectionError: null,
      tokenLast4: wa.token.slice(-4),
    });
    expect(fixed.body.rotatedAt).not.toBeNull();
  });

  it('does not connect a valid token meant for something else', async () => {
    const mine = page();
    const other = page();
    const res = await call('POST', '/admin/integrations', { ...mine.body, token: other.token });
    expect(res.status).toBe(201);
    expect(res.body.connectionStatus).toBe('error');
    expect(res.body.connectionError).toEqual({
      message: `the token is valid but belongs to Page ${other.pageId}, not to Page ${mine.pageId}`,
    });

    // A Page token on graph.instagram.com: Meta's own answer (100/33) is shown, not a 502.
    const ig = instagram();
    const wrongKind = await call('POST', '/admin/integrations', { ...ig.body, token: mine.token });
    expect(wrongKind.status).toBe(201);
    expect(wrongKind.body.connectionStatus).toBe('error');
    expect(wrongKind.body.connectionError).toMatchObject({ code: 100, subcode: 33 });
    expect(wrongKind.body.connectionError.message).toMatch(/^Unsupported get request\. Object with ID/);
  });

  it("verify records Meta's current verdict, e.g. a token invalidated since it was connected", async () => {
    const wa = whatsapp();
    const created = await call('POST', '/admin/integrations', wa.body);
    expect(created.body.connectionStatus).toBe('connected');

    const still = await call('POST', `/admin/integrations/${created.body.id}/verify`);
    expect(still.status).toBe(200);
    expect(still.body.connectionStatus).toBe('connected');

    world.sim.accounts.revokeToken(wa.token, 'invalidated');
    const verified = await call('POST', `/admin/integrations/${created.body.id}/verify`);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({
      connectionStatus: 'error',
      connectionError: { code: 190, subcode: 460 },
    });
    expect(verified.body.connectionError.message).toMatch(/session has been invalidated/);
    expect((await call('GET', `/admin/integrations/${created.body.id}`)).body.connectionStatus).toBe('error');
  });

  it('leaves an integration pending when Meta cannot be asked: 201 with the reason, verify answers 503/502', async () => {
    const wa = whatsapp();
    throttleTokenChecks();
    const created = await call('POST', '/admin/integrations', wa.body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      connectionStatus: 'pending',
      connectionError: null,
      verifiedAt: null,
    });
    expect(created.body.verificationDeferred).toMatch(/^Meta could not check the token now: \S/);

    // Throttled: Meta is there but will not answer now, and says when to come back.
    const verify = await call('POST', `/admin/integrations/${created.body.id}/verify`);
    expect(verify.status).toBe(503);
    expect(verify.body.error).toMatchObject({ code: 'GW_UNAVAILABLE', meta: { code: 4 } });
    expect(verify.body.error.message).toMatch(
      /^Meta could not check the token now: .+ The integration stays pending; try again later\.$/,
    );
    expect(verify.headers['retry-after']).toBe('7');

    // The connection broke: no answer from Meta at all.
    world.sim.faults.clear();
    world.sim.faults.add({ match: { pathPattern: '**/me' }, action: { type: 'reset' } });
    const reset = await call('POST', `/admin/integrations/${created.body.id}/verify`);
    expect(reset.status).toBe(502);
    expect(reset.body.error).toMatchObject({ code: 'GW_UPSTREAM', meta: { errorCode: 'GRAPH_NETWORK' } });
    expect((await call('GET', `/admin/integrations/${created.body.id}`)).body).toMatchObject({
      connectionStatus: 'pending',
      connectionError: null,
    });

    world.sim.faults.clear();
    const ok = await call('POST', `/admin/integrations/${created.body.id}/verify`);
    expect(ok.status).toBe(200);
    expect(ok.body.connectionStatus).toBe('connected');

    // An outage does not turn a connected integration into a broken one either.
    throttleTokenChecks();
    expect((await call('POST', `/admin/integrations/${created.body.id}/verify`)).status).toBe(503);
    expect((await call('GET', `/admin/integrations/${created.body.id}`)).body.connectionStatus).toBe(
      'connected',
    );
  });

  it('lists every integration once across pages, and filters by channel, status and connection status', async () => {
    const messengerIds: string[] = [];
    for (let i = 0; i < 3; i++)
      messengerIds.push((await call('POST', '/admin/integrations', page().body)).body.id);
    const broken = await call('POST', '/admin/integrations', { ...whatsapp().body, token: token('EAAGbad') });
    const disabled = await call('POST', '/admin/integrations', instagram().body);
    await call('POST', `/admin/integrations/${disabled.body.id}/disable`);

    const all = await call('GET', '/admin/integrations?limit=200');
    expect(all.status).toBe(200);
    expect(all.body.nextCursor).toBeNull();
    const everyId: string[] = all.body.items.map((i: { id: string }) => i.id);
    expect(everyId.length).toBeGreaterThanOrEqual(5);

    const paged: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/admin/integrations?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await call('GET', url);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      paged.push(...res.body.items.map((i: { id: string }) => i.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    expect(paged).toEqual(everyId);
    expect(pages).toBe(Math.ceil(everyId.length / 2));

    const messenger = await call('GET', '/admin/integrations?channel=messenger&limit=200');
    expect(messenger.body.items.every((i: { channel: string }) => i.channel === 'messenger')).toBe(true);
    expect(messenger.body.items.map((i: { id: string }) => i.id)).toEqual(
      expect.arrayContaining(messengerIds),
    );

    const off = await call('GET', '/admin/integrations?status=disabled');
    expect(off.body.items.map((i: { id: string }) => i.id)).toContain(disabled.body.id);
    expect(off.body.items.every((i: { status: string }) => i.status === 'disabled')).toBe(true);

    const errors = await call('GET', '/admin/integrations?connectionStatus=error&channel=whatsapp');
    expect(errors.body.items.map((i: { id: string }) => i.id)).toContain(broken.body.id);
    expect(
      errors.body.items.every(
        (i: { connectionStatus: string; channel: string }) =>
          i.connectionStatus === 'error' && i.channel === 'whatsapp',
      ),
    ).toBe(true);
  });

  it('refuses a cursor it did not hand out with 400 on querystring.cursor', async () => {
    const forged = Buffer.from(JSON.stringify(['2026-02-30 10:00:00+00', randomUUID()])).toString(
      'base64url',
    );
    for (const cursor of ['not-a-cursor', forged]) {
      const res = await call('GET', `/admin/integrations?cursor=${cursor}`);
      expect(res.status, cursor).toBe(400);
      expect(res.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['querystring.cursor']);
    }
  });

  it('gets, renames and re-points an integration, disables it and frees its account for a new one', async () => {
    const wa = whatsapp();
    const created = (await call('POST', '/admin/integrations', wa.body)).body;

    const newWaba = id('1023');
    const newBm = id('3301');
    const patched = await call('PATCH', `/admin/integrations/${created.id}`, {
      name: 'Filial Norte',
      wabaId: newWaba,
      businessManagerId: newBm,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      name: 'Filial Norte',
      wabaId: newWaba,
      businessManagerId: newBm,
      phoneNumberId: wa.phoneNumberId,
      connectionStatus: 'connected',
    });
    expect(Date.parse(patched.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));
    expect((await call('GET', `/admin/integrations/${created.id}`)).body.name).toBe('Filial Norte');

    const disabled = await call('POST', `/admin/integrations/${created.id}/disable`);
    expect(disabled.status).toBe(200);
    expect(disabled.body.status).toBe('disabled');
    expect((await call('GET', `/admin/integrations/${created.id}`)).body.status).toBe('disabled');

    // The number can be connected again, and then the old integration cannot come back.
    const reconnected = await call('POST', '/admin/integrations', wa.body);
    expect(reconnected.status).toBe(201);
    const revived = await call('PATCH', `/admin/integrations/${created.id}`, { status: 'active' });
    expect(revived.status).toBe(409);
    expect(revived.body.error.code).toBe('GW_CONFLICT');

    await call('POST', `/admin/integrations/${reconnected.body.id}/disable`);
    const back = await call('PATCH', `/admin/integrations/${created.id}`, { status: 'active' });
    expect(back.status).toBe(200);
    expect(back.body.status).toBe('active');
  });

  it('answers 404 for an unknown integration on every route', async () => {
    const missing = randomUUID();
    const attempts: [Parameters<Call>[0], string, unknown?][] = [
      ['GET', `/admin/integrations/${missing}`],
      ['PATCH', `/admin/integrations/${missing}`, { name: 'x' }],
      ['POST', `/admin/integrations/${missing}/disable`],
      ['POST', `/admin/integrations/${missing}/verify`],
      ['PUT', `/admin/integrations/${missing}/token`, { token: token('EAAGnowhere') }],
    ];
    for (const [method, url, body] of attempts) {
      const res = await call(method, url, body);
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'GW_NOT_FOUND', message: 'no such integration' });
    }
  });

  it('refuses a second active integration for the same account with 409 and keeps the first', async () => {
    const wa = whatsapp();
    const first = await call('POST', '/admin/integrations', wa.body);
    expect(first.status).toBe(201);
    const second = await call('POST', '/admin/integrations', { ...wa.body, name: 'again' });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('GW_CONFLICT');
    expect(second.body.error.message).toContain(wa.phoneNumberId);
    const listed = await call('GET', '/admin/integrations?channel=whatsapp&status=active&limit=200');
    const same = listed.body.items.filter(
      (i: { phoneNumberId: string }) => i.phoneNumberId === wa.phoneNumberId,
    );
    expect(same.map((i: { id: string }) => i.id)).toEqual([first.body.id]);
  });

  it('rejects invalid requests with the field path at fault, and creates nothing', async () => {
    const wa = whatsapp();
    const fb = page();
    const existing = (await call('POST', '/admin/integrations', wa.body)).body;
    const messenger = (await call('POST', '/admin/integrations', fb.body)).body;
    const { phoneNumberId: _, ...noPhone } = wa.body;
    const { businessManagerId: __, ...noBm } = wa.body;
    const before = (await call('GET', '/admin/integrations?limit=200')).body.items.length;

    const cases: [Parameters<Call>[0], string, unknown, string][] = [
      ['POST', '/admin/integrations', noPhone, 'body.phoneNumberId'],
      ['POST', '/admin/integrations', noBm, 'body.businessManagerId'],
      ['POST', '/admin/integrations', { ...wa.body, token: '' }, 'body.token'],
      ['POST', '/admin/integrations', { ...wa.body, token: 'EAAG with spaces 123456' }, 'body.token'],
      ['POST', '/admin/integrations', { ...wa.body, channel: 'telegram' }, 'body.channel'],
      ['POST', '/admin/integrations', { ...wa.body, phoneNumberId: '+1 555 0100' }, 'body.phoneNumberId'],
      ['POST', '/admin/integrations', { ...fb.body, tokenType: 'system_user' }, 'body.tokenType'],
      ['POST', '/admin/integrations', { ...wa.body, tokenExpiresAt: 'tomorrow' }, 'body.tokenExpiresAt'],
      ['POST', '/admin/integrations', { ...wa.body, pageId: fb.pageId }, 'body'],
      ['GET', '/admin/integrations?limit=0', undefined, 'querystring.limit'],
      ['GET', '/admin/integrations?limit=201', undefined, 'querystring.limit'],
      ['GET', '/admin/integrations?channel=sms', undefined, 'querystring.channel'],
      ['GET', '/admin/integrations/not-a-uuid', undefined, 'params.id'],
      ['PATCH', `/admin/integrations/${existing.id}`, {}, 'body'],
      ['PATCH', `/admin/integrations/${existing.id}`, { status: 'deleted' }, 'body.status'],
      ['PATCH', `/admin/integrations/${messenger.id}`, { wabaId: wa.wabaId }, 'body.wabaId'],
      ['PATCH', `/admin/integrations/${existing.id}`, { businessManagerId: null }, 'body.businessManagerId'],
      ['PUT', `/admin/integrations/${existing.id}/token`, {}, 'body.token'],
      [
        'PUT',
        `/admin/integrations/${existing.id}/token`,
        { token: token('EAAGx'), tokenType: 'page' },
        'body.tokenType',
      ],
    ];
    for (const [method, url, body, path] of cases) {
      const res = await call(method, url, body);
      const label = `${method} ${url} ${JSON.stringify(body)}`;
      expect(res.status, label).toBe(400);
      expect(res.body.error.code, label).toBe('GW_VALIDATION');
      expect(
        res.body.error.issues.map((i: { path: string }) => i.path),
        label,
      ).toEqual([path]);
    }

    const after = await call('GET', '/admin/integrations?limit=200');
    expect(after.body.items.length).toBe(before);
    // The refused rotation left the token as it was.
    expect(after.body.items.find((i: { id: string }) => i.id === existing.id)).toMatchObject({
      tokenLast4: wa.token.slice(-4),
      status: 'active',
    });
  });

  it('documents the routes in the OpenAPI document, behind the admin key', async () => {
    const doc = (await world.gateway.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/admin/integrations',
        '/admin/integrations/{id}',
        '/admin/integrations/{id}/disable',
        '/admin/integrations/{id}/verify',
        '/admin/integrations/{id}/token',
        '/admin/keys/reencrypt',
      ]),
    );
    expect(doc.paths['/admin/integrations'].post.security).toEqual([
      { adminKey: [] },
      { consoleSession: [] },
    ]);
    expect(doc.paths['/admin/integrations'].post.requestBody).toBeDefined();
    const unauthenticated = await world.gateway.app.inject({ method: 'GET', url: '/admin/integrations' });
    expect(unauthenticated.statusCode).toBe(401);
  });

  // Last: covers every request of the file above.
  it('never shows a token in a response or writes one to the logs', async () => {
    expect(tokens.length).toBeGreaterThan(20);
    expect(responses.length).toBeGreaterThan(50);
    const everything = responses.join('\n');
    const logs = world.logs.join('\n');
    expect(logs).toContain('integration created');
    for (const t of tokens) {
      expect(everything.includes(t), `token …${t.slice(-4)} in a response`).toBe(false);
      expect(logs.includes(t), `token …${t.slice(-4)} in the logs`).toBe(false);
    }
  });
});
