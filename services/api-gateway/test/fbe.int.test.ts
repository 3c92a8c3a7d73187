import { randomBytes } from 'node:crypto';
import { eventId, type FbePayload, type InboundEventOf, parseInboundEvent } from '@omnistream/events';
import { createTokenCipher } from '@omnistream/integrations';
import { encodeCursor } from '@omnistream/service-kit';
import { useTestDatabase } from '@omnistream/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptionKeys, type GatewayWorld, startGatewayWorld, until } from './harness.ts';

// Exercised end to end: events go through the inbound topic and the gateway's inbound-events
// consumer (src/inbound/inbound-events.consumer.ts) into the FBE handlers; Meta is meta-sim over HTTP.

const BM = '2329417887457253';
const PAGE = '112233445566778';
const IG = '17841405793187218';
const PIXEL = '1234567890123456';
const CATALOG = '354160437058781';
/** entry.time of the first webhook (seconds, like Meta's). */
const T0 = 1_749_421_000;

const cipher = createTokenCipher(encryptionKeys);

type FbeKind = 'fbe_install' | 'fbe_uninstall';

/** installed_features as the ingestor normalizes fbe-install.json (catalog, pixel, Messenger chat). */
const FEATURES: FbePayload['installedFeatures'] = [
  {
    featureInstanceId: '1000000000000001',
    featureType: 'catalog',
    connectedAssets: { business_manager_id: BM, catalog_id: CATALOG },
  },
  {
    featureInstanceId: '1000000000000002',
    featureType: 'pixel',
    connectedAssets: { business_manager_id: BM, pixel_id: PIXEL },
  },
  {
    featureInstanceId: '1000000000000003',
    featureType: 'messenger_chat',
    connectedAssets: { business_manager_id: BM, page_id: PAGE, ig_profile_id: IG },
  },
];

const ALL_ASSETS = {
  businessManagerId: BM,
  pages: [PAGE],
  instagramProfiles: [IG],
  pixelId: PIXEL,
  catalogId: CATALOG,
  tokenType: 'User',
  installedFeatures: FEATURES,
};

const newBusiness = () => `shop-${randomBytes(4).toString('hex')}`;
const userToken = () => `EAAGfbeUser${randomBytes(12).toString('hex')}`;

describe('Facebook Business Extension (real PostgreSQL, broker and meta-sim)', () => {
  const db = useTestDatabase();
  let world: GatewayWorld;
  beforeAll(async () => {
    world = await startGatewayWorld(db.pool);
  });
  afterAll(() => world?.stop());

  /** Publishes an FBE event the way the ingestor does (key = external business id, kind header). */
  async function publish(
    kind: FbeKind,
    externalBusinessId: string,
    time: number,
    payload: Partial<FbePayload> = {},
    token?: string,
  ): Promise<InboundEventOf<FbeKind>> {
    const fbeEvent = kind === 'fbe_install' ? 'INSTALL' : 'UNINSTALL';
    const event = {
      schemaVersion: 1,
      eventId: eventId({
        channel: 'fbe',
        kind,
        metaId: externalBusinessId,
        discriminator: JSON.stringify(['fbe_install', fbeEvent, String(time)]),
      }),
      kind,
      channel: 'fbe',
      account: { id: externalBusinessId },
      integrationId: null,
      occurredAt: new Date(time * 1000).toISOString(),
      receivedAt: new Date().toISOString(),
      payload: {
        externalBusinessId,
        pages: [],
        instagramProfiles: [],
        installedFeatures: [],
        ...payload,
        ...(token === undefined
          ? {}
          : { encryptedToken: { ...cipher.encrypt(token), last4: token.slice(-4) } }),
      },
      raw: { field: 'fbe_install', value: { fbe_event: fbeEvent, business_manager_id: BM } },
    } as InboundEventOf<FbeKind>;
    expect(parseInboundEvent(event).success).toBe(true);
    await sendRaw(event);
    return event;
  }

  const sendRaw = (event: InboundEventOf<FbeKind>) =>
    world.gateway.producer.send(world.topics.inbound, [
      {
        key: event.account.id,
        value: JSON.stringify(event),
        headers: { 'event-id': event.eventId, 'event-kind': event.kind, 'schema-version': '1' },
      },
    ]);

  const installation = (id: string) => world.call('GET', `/admin/fbe/${encodeURIComponent(id)}`);

  const featureStates = (body: {
    features: { featureType: string; enabled: boolean; missingAssets: string[] }[];
  }) =>
    Object.fromEntries(
      body.features.map((f) => [f.featureType, f.enabled ? 'on' : `off ${f.missingAssets.join(',')}`]),
    );

  /** Waits until the handler logged `message` for this event. */
  const handled = (event: InboundEventOf<FbeKind>, message: string) =>
    until(
      async () => world.logs.filter((l) => l.includes(event.eventId) && l.includes(message)),
      (lines) => lines.length > 0,
    );

  async function rowCounts(id: string) {
    const installations = await db.pool.query(
      'SELECT 1 FROM fbe_installations WHERE external_business_id = $1',
      [id],
    );
    const features = await db.pool.query(
      'SELECT 1 FROM fbe_installed_features WHERE external_business_id = $1',
      [id],
    );
    return { installations: installations.rowCount, features: features.rowCount };
  }

  it('enables the features whose assets were granted, updates them when an asset is removed, disables all on uninstall', async () => {
    const id = newBusiness();
    const token = userToken();
    await publish('fbe_install', id, T0, ALL_ASSETS, token);
    const installed = await until(
      () => installation(id),
      (r) => r.status === 200,
    );
    expect(installed.body).toMatchObject({
      externalBusinessId: id,
      businessManagerId: BM,
      status: 'installed',
      assets: { pages: [PAGE], instagramProfiles: [IG], pixelId: PIXEL, catalogId: CATALOG },
      token: { last4: token.slice(-4), type: 'User' },
      installedAt: new Date(T0 * 1000).toISOString(),
      uninstalledAt: null,
    });
    expect(installed.body.enabledFeatures.sort()).toEqual(['catalog', 'messenger_chat', 'pixel']);

    // The business takes the pixel back: Meta's change webhook lists no pixel any more.
    await publish('fbe_install', id, T0 + 60, { ...ALL_ASSETS, pixelId: undefined });
    const changed = await until(
      () => installation(id),
      (r) => r.body.enabledFeatures.length === 2,
    );
    expect(featureStates(changed.body)).toEqual({
      catalog: 'on',
      pixel: 'off pixel_id',
      messenger_chat: 'on',
    });
    expect(
      changed.body.features.find((f: { featureType: string }) => f.featureType === 'pixel'),
    ).toMatchObject({
      disabledReason: 'missing_assets',
    });
    // A change without a token keeps the one stored at install.
    expect(changed.body.token).toEqual({ last4: token.slice(-4), type: 'User' });

    await publish('fbe_uninstall', id, T0 + 120, { businessManagerId: BM });
    const uninstalled = await until(
      () => installation(id),
      (r) => r.body.status === 'uninstalled',
    );
    expect(uninstalled.body).toMatchObject({
      enabledFeatures: [],
      uninstalledAt: new Date((T0 + 120) * 1000).toISOString(),
      token: null,
    });
    expect(uninstalled.body.features.map((f: { disabledReason: string }) => f.disabledReason)).toEqual([
      'uninstalled',
      'uninstalled',
      'uninstalled',
    ]);
    expect(await rowCounts(id)).toEqual({ installations: 1, features: 3 });
  });

  it('stores the webhook token only encrypted, and never logs it', async () => {
    const id = newBusiness();
    const token = userToken();
    await publish('fbe_install', id, T0, ALL_ASSETS, token);
    await until(
      () => installation(id),
      (r) => r.status === 200,
    );
    const { rows } = await db.pool.query(
      'SELECT token_ciphertext, token_key_id FROM fbe_installations WHERE external_business_id = $1',
      [id],
    );
    expect(rows[0].token_ciphertext).not.toContain(token);
    expect(cipher.decrypt({ ciphertext: rows[0].token_ciphertext, keyId: rows[0].token_key_id })).toBe(token);
    expect(world.logs.join('\n')).not.toContain(token);
  });

  it('a redelivered webhook leaves one row and the same features', async () => {
    const id = newBusiness();
    const event = await publish('fbe_install', id, T0, ALL_ASSETS, userToken());
    await sendRaw(event);
    await handled(event, 'FBE event already applied');
    expect(await rowCounts(id)).toEqual({ installations: 1, features: 3 });
    expect((await installation(id)).body.enabledFeatures.sort()).toEqual([
      'catalog',
      'messenger_chat',
      'pixel',
    ]);
  });

  it('an install older than the uninstall that already arrived does not bring the business back', async () => {
    const id = newBusiness();
    await publish('fbe_uninstall', id, T0 + 300, { businessManagerId: BM });
    await until(
      () => installation(id),
      (r) => r.status === 200,
    );
    const late = await publish('fbe_install', id, T0 + 200, ALL_ASSETS, userToken());
    await handled(late, 'FBE event older than the installation state; ignored');

    const after = await installation(id);
    expect(after.body).toMatchObject({
      status: 'uninstalled',
      enabledFeatures: [],
      token: null,
      lastEventAt: new Date((T0 + 300) * 1000).toISOString(),
    });

    // A newer install (a reinstall) does apply.
    await publish('fbe_install', id, T0 + 400, ALL_ASSETS, userToken());
    const reinstalled = await until(
      () => installation(id),
      (r) => r.body.status === 'installed',
    );
    expect(reinstalled.body.installedAt).toBe(new Date((T0 + 400) * 1000).toISOString());
  });

  /** A business installed in meta-sim and through the webhook, with its user token known to Meta. */
  async function installedBusiness() {
    const id = newBusiness();
    const token = userToken();
    const sim = (method: string, path: string, body: unknown) =>
      fetch(`${world.sim.url}/_sim${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await sim('POST', '/tokens', { token, accounts: [BM, PAGE], type: 'USER' })).status).toBe(201);
    const simInstall = await sim('POST', '/fbe/installs', {
      externalBusinessId: id,
      businessManagerId: BM,
      pages: [PAGE],
      instagramProfiles: [IG],
      pixelId: PIXEL,
      catalogId: CATALOG,
      tokenType: 'User',
      installedFeatures: [
        {
          feature_instance_id: '1000000000000001',
          feature_type: 'catalog',
          connected_assets: { business_manager_id: BM, catalog_id: CATALOG },
        },
        {
          feature_instance_id: '1000000000000003',
          feature_type: 'messenger_chat',
          connected_assets: { business_manager_id: BM, page_id: PAGE },
        },
      ],
    });
    expect(simInstall.status).toBe(201);
    await publish('fbe_install', id, T0, ALL_ASSETS, token);
    await until(
      () => installation(id),
      (r) => r.status === 200,
    );
    return { id, token, sim };
  }

  it('exchanges the install token for a system-user token, stored encrypted and shown as last 4 only', async () => {
    const { id, token } = await installedBusiness();
    const res = await world.call('POST', `/admin/fbe/${id}/system-user-token`, {
      scopes: ['manage_business_extension', 'catalog_management'],
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      externalBusinessId: id,
      last4: expect.stringMatching(/^.{4}$/),
      type: 'system_user',
      scopes: ['manage_business_extension', 'catalog_management'],
      // meta-sim's debug_token reports expires_at 0 for it: a system-user token does not expire.
      expiresAt: null,
      checked: true,
    });

    const { rows } = await db.pool.query(
      `SELECT system_user_token_ciphertext AS c, system_user_token_key_id AS k FROM fbe_installations
       WHERE external_business_id = $1`,
      [id],
    );
    const systemUserToken = cipher.decrypt({ ciphertext: rows[0].c, keyId: rows[0].k });
    expect(rows[0].c).not.toContain(systemUserToken);
    expect(systemUserToken.endsWith(res.body.last4)).toBe(true);
    expect(systemUserToken).not.toBe(token);
    // Meta knows it as a system-user token with the scopes asked for.
    expect(world.sim.accounts.authenticate(systemUserToken)).toMatchObject({
      type: 'SYSTEM_USER',
      scopes: ['manage_business_extension', 'catalog_management'],
    });
    expect(res.text).not.toContain(systemUserToken);
    expect(res.text).not.toContain(token);
    const logs = world.logs.join('\n');
    expect(logs).not.toContain(systemUserToken);
    expect(logs).not.toContain(token);

    const shown = await installation(id);
    expect(shown.body.systemUserToken).toMatchObject({
      last4: res.body.last4,
      checked: true,
      expiresAt: null,
    });
    expect(shown.text).not.toContain(systemUserToken);
  });

  it("answers 502 with Meta's message when Meta refuses the exchange, 404 for an unknown business", async () => {
    // Installed through the webhook only: Meta (meta-sim) has no install for this business.
    const id = newBusiness();
    await publish('fbe_install', id, T0, ALL_ASSETS, userToken());
    await until(
      () => installation(id),
      (r) => r.status === 200,
    );
    // No body at all: the default scope (manage_business_extension) applies.
    const refused = await world.call('POST', `/admin/fbe/${id}/system-user-token`);
    expect(refused.status).toBe(502);
    expect(refused.body.error.code).toBe('GW_UPSTREAM');
    expect(refused.body.error.meta).toMatchObject({ code: 190 });
    expect(refused.body.error.message).toContain('Invalid OAuth access token');

    const unknown = await world.call('POST', '/admin/fbe/no-such-business/system-user-token', {});
    expect(unknown.status).toBe(404);
    expect((await installation('no-such-business')).status).toBe(404);
  });

  it("reconciles with Meta's fbe_installs: updates from Meta's answer, and an install Meta dropped becomes uninstalled", async () => {
    const { id, sim } = await installedBusiness();
    // Meta lists no pixel feature (the sim's install above): the row follows Meta.
    const first = await world.call('GET', `/admin/fbe/${id}/installs`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ metaInstalled: true, statusBefore: 'installed', applied: true });
    expect(featureStates(first.body.installation)).toEqual({
      catalog: 'on',
      messenger_chat: 'on',
      pixel: 'off ',
    });
    expect(
      first.body.installation.features.find((f: { featureType: string }) => f.featureType === 'pixel')
        .disabledReason,
    ).toBe('feature_removed');
    expect(first.body.installation.reconciledAt).not.toBeNull();

    expect((await sim('DELETE', `/fbe/installs/${id}`, {})).status).toBe(200);
    const second = await world.call('GET', `/admin/fbe/${id}/installs`);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({
      metaInstalled: false,
      statusBefore: 'installed',
      applied: true,
      installation: { status: 'uninstalled', enabledFeatures: [] },
    });
    expect((await installation(id)).body.status).toBe('uninstalled');
  });

  it('reads and updates the feature configuration at Meta', async () => {
    const { id } = await installedBusiness();
    const businessConfig = {
      messenger_chat: { enabled: true, domains: ['https://shop.example'] },
      page_cta: { enabled: true, cta_button_text: 'Book Now', cta_button_url: 'https://shop.example/book' },
    };
    const updated = await world.call('POST', `/admin/fbe/${id}/features`, { businessConfig });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ externalBusinessId: id, businessConfig });
    expect(world.sim.business.configuration(id)).toEqual(businessConfig);

    const read = await world.call('GET', `/admin/fbe/${id}/features`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ externalBusinessId: id, businessConfig });
  });

  it('lists installations page by page with their enabled features', async () => {
    const prefix = `list-${randomBytes(3).toString('hex')}`;
    const ids = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
    for (const id of ids) await publish('fbe_install', id, T0, ALL_ASSETS);
    for (const id of ids) {
      await until(
        () => installation(id),
        (r) => r.status === 200,
      );
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await world.call(
        'GET',
        `/admin/fbe?status=installed&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      for (const item of res.body.items) {
        seen.push(item.externalBusinessId);
        expect(item.status).toBe('installed');
      }
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 50);
    expect(seen.filter((s) => s.startsWith(prefix))).toEqual(ids);
    expect(new Set(seen).size).toBe(seen.length);

    // The cursor is the shared opaque scheme; the id in base64url (the format before it) still pages.
    const page = (cursor: string) =>
      world.call('GET', `/admin/fbe?status=installed&limit=2&cursor=${encodeURIComponent(cursor)}`);
    const byNew = await page(encodeCursor([ids[0] as string]));
    const byOld = await page(Buffer.from(ids[0] as string).toString('base64url'));
    expect(byNew.status).toBe(200);
    expect(byNew.body.items.map((i: { externalBusinessId: string }) => i.externalBusinessId)).toEqual(
      ids.slice(1),
    );
    expect(byOld.body).toEqual(byNew.body);
    const afterFirst = await world.call(
      'GET',
      `/admin/fbe?status=installed&limit=1&cursor=${encodeCursor([ids[0] as string])}`,
    );
    expect(afterFirst.body.nextCursor).toBe(encodeCursor([ids[1] as string]));
    const one = (await world.call('GET', '/admin/fbe?limit=200')).body.items.find(
      (i: { externalBusinessId: string }) => i.externalBusinessId === ids[0],
    );
    expect(one.enabledFeatures.sort()).toEqual(['catalog', 'messenger_chat', 'pixel']);
  });

  it('documents the FBE and contacts routes in the OpenAPI document, behind the admin key', async () => {
    const doc = (await world.gateway.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const path of [
      '/admin/fbe',
      '/admin/fbe/{externalBusinessId}',
      '/admin/fbe/{externalBusinessId}/system-user-token',
      '/admin/fbe/{externalBusinessId}/installs',
      '/admin/fbe/{externalBusinessId}/features',
      '/admin/contacts/{id}/linked-ids',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths['/admin/fbe/{externalBusinessId}/features'].post.security).toEqual([
      { adminKey: [] },
      { consoleSession: [] },
    ]);
    const bare = await world.gateway.app.inject({ method: 'GET', url: '/admin/fbe' });
    expect(bare.statusCode).toBe(401);
  });

  it('rejects invalid parameters with the field paths at fault', async () => {
    const id = newBusiness();
    const paths = async (method: 'GET' | 'POST', url: string, body?: unknown) => {
      const res = await world.call(method, url, body);
      expect(res.status, url).toBe(400);
      expect(res.body.error.code).toBe('GW_VALIDATION');
      return res.body.error.issues.map((i: { path: string }) => i.path);
    };
    expect(await paths('GET', '/admin/fbe?limit=0&status=gone')).toEqual(
      expect.arrayContaining(['querystring.limit', 'querystring.status']),
    );
    expect(await paths('POST', `/admin/fbe/${id}/features`, { businessConfig: {} })).toContain(
      'body.businessConfig',
    );
    expect(
      await paths('POST', `/admin/fbe/${id}/features`, { businessConfig: { 'Page CTA': { enabled: true } } }),
    ).toEqual([expect.stringMatching(/^body\.businessConfig/)]);
    expect(
      await paths('POST', `/admin/fbe/${id}/system-user-token`, { scopes: ['manage business'] }),
    ).toContain('body.scopes.0');
    expect(await paths('POST', `/admin/fbe/${id}/system-user-token`, { scopes: [], extra: 1 })).toEqual(
      expect.arrayContaining(['body.scopes']),
    );
  });
});
