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

  it('forgets an install removed over the control API', async () => {
    expect((await t.control('DELETE', `/fbe/installs/${EXTERNAL}`)).json).toEqual({ removed: true });
    const installs = await t.get(`/fbe_business/fbe_installs?fbe_external_business_id=${EXTERNAL}`, {
      token: PAGE.token,
    });
    expect(installs.json).toEqual({ data: [] });
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

  it("reaches one person's ids in every app and on every Page from a PSID, narrowed by app= / page=", async () => {
    t.sim.business.link({
      psid: '6789012345678902',
      pageId: '220000000000001',
      asid: '10155000000000001',
      appId: t.sim.app.id,
    });
    t.sim.business.link({
      psid: '6789012345678902',
      pageId: '220000000000001',
      asid: '30000000000000009',
      appId: '300000000000001',
    });
    // Somebody else, linked in another app: not part of the answer.
    t.sim.business.link({ psid: '999', pageId: PAGE.pageId, asid: '998', appId: '300000000000001' });

    const pages = await t.get(`/6789012345678901/ids_for_pages?appsecret_proof=${proof()}`, {
      token: PAGE.token,
    });
    expect(pages.json.data.map((d: { id: string; page: { id: string } }) => [d.id, d.page.id])).toEqual([
      ['6789012345678901', PAGE.pageId],
      ['6789012345678902', '220000000000001'],
    ]);
    const apps = await t.get(`/6789012345678901/ids_for_apps?appsecret_proof=${proof()}`, {
      token: PAGE.token,
    });
    expect(apps.json.data.map((d: { id: string; app: { id: string } }) => [d.id, d.app.id])).toEqual([
      ['10155000000000001', t.sim.app.id],
      ['30000000000000009', '300000000000001'],
    ]);
    const oneApp = await t.get(
      `/6789012345678901/ids_for_apps?app=300000000000001&appsecret_proof=${proof()}`,
      {
        token: PAGE.token,
      },
    );
    expect(oneApp.json.data).toEqual([expect.objectContaining({ id: '30000000000000009' })]);
    const onePage = await t.get(
      `/10155000000000001/ids_for_pages?page=220000000000001&appsecret_proof=${proof()}`,
      {
        token: PAGE.token,
      },
    );
    expect(onePage.json.data).toEqual([expect.objectContaining({ id: '6789012345678902' })]);
  });

  it('pages long answers through paging.next, which repeats the parameters like Graph', async () => {
    for (let i = 1; i <= 4; i++) {
      t.sim.business.link({
        psid: '6789012345678901',
        pageId: PAGE.pageId,
        asid: `4000000000000000${i}`,
        appId: `40000000000000${i}`,
      });
    }
    expect((await t.control('PUT', '/id-matching', { pageSize: 2 })).json).toEqual({
      underReview: false,
      pageSize: 2,
    });
    const ids: string[] = [];
    let url: string | undefined =
      `${t.sim.graphUrl}/6789012345678901/ids_for_apps?appsecret_proof=${proof()}`;
    let pages = 0;
    while (url !== undefined) {
      const res = await fetch(url, { headers: pages === 0 ? { authorization: `Bearer ${PAGE.token}` } : {} });
      const body = (await res.json()) as { data: { id: string }[]; paging?: { next?: string } };
      ids.push(...body.data.map((d) => d.id));
      pages += 1;
      url = body.paging?.next;
      if (url !== undefined) expect(new URL(url).searchParams.get('access_token')).toBe(PAGE.token);
    }
    expect(pages).toBe(3);
    expect(ids).toEqual([
      '10155000000000001',
      '40000000000000001',
      '40000000000000002',
      '40000000000000003',
      '40000000000000004',
    ]);

    const requests = (await t.control('GET', '/id-matching/requests')).json.requests;
    expect(requests).toHaveLength(3);
    expect(requests[0]).toEqual({
      edge: 'ids_for_apps',
      id: '6789012345678901',
      appsecretProof: proof(),
      tokenLast4: PAGE.token.slice(-4),
    });
    expect(requests[2].after).toEqual(expect.any(String));
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
