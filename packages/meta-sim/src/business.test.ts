import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PAGE, startTestSim, type TestSim } from './test-kit.ts';

let t: TestSim;
beforeAll(async () => {
  t = await startTestSim();
});
afterAll(() => t.sim.stop());
beforeEach(() => t.sim.reset('all'));

const EXTERNAL = 'omni-tenant-42';
const BM = '2329417887457253';

describe('FBE', () => {
  beforeEach(() => {
    t.sim.business.addInstall({
      externalBusinessId: EXTERNAL,
      businessManagerId: BM,
      pages: [PAGE.pageId],
      pixelId: '1234567890123456',
      catalogId: '354160437058781',
      installedFeatures: [{ feature_instance_id: '1', feature_type: 'messenger_chat' }],
    });
  });

  it('mints a system-user token for the business and lists the install', async () => {
    const token = await t.post(
      `/${BM}/access_token`,
      {
        app_id: t.sim.app.id,
        scope: 'manage_business_extension',
        fbe_external_business_id: EXTERNAL,
      },
      { token: PAGE.token },
    );
    expect(token.status).toBe(200);
    expect(token.json).toEqual({ access_token: expect.stringMatching(/^EAAG/) });

    const installs = await t.get(`/fbe_business/fbe_installs?fbe_external_business_id=${EXTERNAL}`, {
      token: token.json.access_token,
    });
    expect(installs.json).toEqual({
      data: [
        expect.objectContaining({
          business_manager_id: BM,
          pixel_id: '1234567890123456',
          catalog_id: '354160437058781',
          pages: [PAGE.pageId],
          profiles: [PAGE.pageId],
          installed_features: [{ feature_instance_id: '1', feature_type: 'messenger_chat' }],
        }),
      ],
    });
    const none = await t.get('/fbe_business/fbe_installs?fbe_external_business_id=other', {
      token: token.json.access_token,
    });
    expect(none.json).toEqual({ data: [] });
  });

  it('stores and returns the feature configuration', async () => {
    const config = {
      business_config: { messenger_chat: { enabled: true, domains: ['https://shop.example'] } },
    };
    const set = await t.post(`/fbe_business?fbe_external_business_id=${EXTERNAL}`, config, {
      token: PAGE.token,
    });
    expect(set.json).toEqual({ success: true });
    const got = await t.get(`/fbe_business?fbe_external_business_id=${EXTERNAL}`, { token: PAGE.token });
    expect(got.json).toEqual({ fbe_external_business_id: EXTERNAL, ...config });
  });
});

describe('ID matching', () => {
  beforeEach(() => {
    t.sim.business.link({
      psid: '6789012345678901',
      pageId: PAGE.pageId,
      asid: '10155000000000001',
      appId: t.sim.app.id,
    });
  });
  const proof = () => t.sim.appSecretProof(PAGE.token);

  it('maps a PSID to app-scoped ids and back, with appsecret_proof', async () => {
    const apps = await t.get(`/6789012345678901/ids_for_apps?appsecret_proof=${proof()}`, {
      token: PAGE.token,
    });
    expect(apps.json).toEqual({
      data: [
        { id: '10155000000000001', app: expect.objectContaining({ id: t.sim.app.id, name: t.sim.app.name }) },
      ],
      paging: { cursors: { before: expect.any(String), after: expect.any(String) } },
    });
    const pages = await t.get(`/10155000000000001/ids_for_pages?appsecret_proof=${proof()}`, {
      token: PAGE.token,
    });
    expect(pages.json.data).toEqual([
      { id: '6789012345678901', page: { name: 'Lucky Shrub', id: PAGE.pageId } },
    ]);
  });

  it('refuses a call without appsecret_proof', async () => {
    const res = await t.get('/6789012345678901/ids_for_apps', { token: PAGE.token });
    expect(res.json.error).toMatchObject({ code: 100, type: 'GraphMethodException' });
  });

  it('answers (#200) while the feature is under review', async () => {
    t.sim.business.idMatchingUnderReview = true;
    const res = await t.get(`/6789012345678901/ids_for_apps?appsecret_proof=${proof()}`, {
      token: PAGE.token,
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 200, type: 'OAuthException' });
    expect(res.json.error.message).toMatch(/^\(#200\) .*under review/);
  });
});
