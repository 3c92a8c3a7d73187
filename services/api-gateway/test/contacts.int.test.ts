import { createHmac, randomUUID } from 'node:crypto';
import { appsecretProof } from '@omnistream/graph';
import type { Integration } from '@omnistream/integrations';
import { useTestDatabase } from '@omnistream/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_SECRET,
  type GatewayWorld,
  messengerIntegration,
  startGatewayWorld,
  whatsAppIntegration,
} from './harness.ts';

const PAGE = { pageId: '112233445566778', name: 'Lucky Shrub', token: 'EAAGfixedPageToken0001' };
/** The same person on the business's other Pages. */
const OTHER_PAGES = [
  { pageId: '220000000000001', psid: '7100000000000001' },
  { pageId: '220000000000002', psid: '7100000000000002' },
];
/** …and in its apps (the gateway's own app first, as linked below). */
const APPS = ['300000000000001', '300000000000002', '300000000000003', '300000000000004'];
const PSID = '6789012345678901';
const asidIn = (appId: string) => `9${appId.slice(1)}`;

/** `openssl dgst -sha256 -hmac test-app-secret-0123456789abcdef` of the page token: a fixed vector. */
const KNOWN_PROOF = '248d634feff1663b01721d60c873eb1a22fa320002502973a936c3eb1f81f8f8';

describe('contact identity linking (real PostgreSQL, broker and meta-sim)', () => {
  const db = useTestDatabase();
  let world: GatewayWorld;
  let messenger: Integration;

  const control = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${world.sim.url}/_sim${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status, `${method} /_sim${path}`).toBeLessThan(300);
    return res.json() as Promise<Record<string, unknown>>;
  };

  const linkedIds = (contactId: string, integrationId: string) =>
    world.call('GET', `/admin/contacts/${contactId}/linked-ids?integrationId=${integrationId}`);

  async function storedLinks(contactId: string) {
    const { rows } = await db.pool.query(
      `SELECT scope, scope_id, scoped_id, first_linked_at, refreshed_at FROM contact_identities
       WHERE contact_id = $1 ORDER BY scope, scope_id`,
      [contactId],
    );
    return rows;
  }

  beforeAll(async () => {
    world = await startGatewayWorld(db.pool);
    await control('POST', '/accounts/pages', { pageId: PAGE.pageId, name: PAGE.name, tokens: [PAGE.token] });
    // One person: a PSID on the integration's Page linked to an id in each app, and PSIDs on two more
    // Pages of the business through the first app's id.
    const idLinks = [
      ...APPS.map((appId) => ({ psid: PSID, pageId: PAGE.pageId, asid: asidIn(appId), appId })),
      ...OTHER_PAGES.map((p) => ({
        psid: p.psid,
        pageId: p.pageId,
        asid: asidIn(APPS[0] as string),
        appId: APPS[0],
      })),
    ];
    await control('POST', '/seed', { idLinks });
    // Two items per page: four apps take two pages, three Pages take two.
    await control('PUT', '/id-matching', { pageSize: 2 });
    messenger = await world.gateway.integrations.create({
      channel: 'messenger',
      pageId: PAGE.pageId,
      token: PAGE.token,
      tokenType: 'page',
    });
  });
  afterEach(() => world.sim.faults.clear());
  afterAll(() => world?.stop());

  it("answers one person's ids across the business's apps and Pages, following Meta's paging, and stores them", async () => {
    const res = await linkedIds(PSID, messenger.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ contactId: PSID, integrationId: messenger.id, pageId: PAGE.pageId });
    expect(res.body.apps.map((a: { appId: string; id: string }) => [a.appId, a.id])).toEqual(
      APPS.map((appId) => [appId, asidIn(appId)]),
    );
    expect(res.body.pages.map((p: { pageId: string; id: string }) => [p.pageId, p.id])).toEqual([
      [PAGE.pageId, PSID],
      ...OTHER_PAGES.map((p) => [p.pageId, p.psid]),
    ]);
    expect(res.body.pages[0].pageName).toBe(PAGE.name);

    const stored = await storedLinks(PSID);
    expect(stored.map((r) => [r.scope, r.scope_id, r.scoped_id])).toEqual([
      ...APPS.map((appId) => ['app', appId, asidIn(appId)]),
      ['page', PAGE.pageId, PSID],
      ...OTHER_PAGES.map((p) => ['page', p.pageId, p.psid]),
    ]);

    // Asked again: the same rows, refreshed, first-linked times kept.
    const again = await linkedIds(PSID, messenger.id);
    expect(again.status).toBe(200);
    const restored = await storedLinks(PSID);
    expect(restored).toHaveLength(stored.length);
    expect(restored.map((r) => r.first_linked_at)).toEqual(stored.map((r) => r.first_linked_at));
    expect(restored[0].refreshed_at.getTime()).toBeGreaterThan(stored[0].refreshed_at.getTime());
    expect(new Date(again.body.refreshedAt).getTime()).toBe(restored[0].refreshed_at.getTime());
  });

  it('signs every ID-matching call with appsecret_proof = hex HMAC-SHA256(token, app secret), a known vector', async () => {
    const independent = createHmac('sha256', APP_SECRET).update(PAGE.token, 'utf8').digest('hex');
    expect(independent).toBe(KNOWN_PROOF);
    expect(appsecretProof(PAGE.token, APP_SECRET)).toBe(KNOWN_PROOF);

    const contact = PSID;
    const before = world.sim.business.idMatchingRequests().length;
    expect((await linkedIds(contact, messenger.id)).status).toBe(200);
    const calls = world.sim.business.idMatchingRequests().slice(before);
    // Two pages of ids_for_apps and two of ids_for_pages, every one carrying the proof.
    expect(calls.map((c) => [c.edge, c.after === undefined ? 'first' : 'next']).sort()).toEqual([
      ['ids_for_apps', 'first'],
      ['ids_for_apps', 'next'],
      ['ids_for_pages', 'first'],
      ['ids_for_pages', 'next'],
    ]);
    for (const call of calls) {
      expect(call).toMatchObject({
        id: contact,
        appsecretProof: KNOWN_PROOF,
        tokenLast4: PAGE.token.slice(-4),
      });
    }
    expect(world.logs.join('\n')).not.toContain(PAGE.token);
  });

  it('answers 409 explaining the review wait while Meta reviews the app, and keeps the stored links', async () => {
    const stored = await storedLinks(PSID);
    await control('PUT', '/id-matching', { underReview: true });
    try {
      const res = await linkedIds(PSID, messenger.id);
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({
        code: 'GW_CONFLICT',
        reason: 'id_matching_under_review',
        reviewHours: 48,
      });
      expect(res.body.error.message).toContain('(#200)');
      expect(res.body.error.message).toContain('about 48 hours');
    } finally {
      await control('PUT', '/id-matching', { underReview: false });
    }
    expect(await storedLinks(PSID)).toEqual(stored);
  });

  it("answers 502 with Meta's message when Meta refuses the integration's token", async () => {
    const { integration, token } = await messengerIntegration(world);
    await control('POST', '/tokens/revoke', { token, reason: 'invalidated' });

    const res = await linkedIds(PSID, integration.id);
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('GW_UPSTREAM');
    expect(res.body.error.meta).toMatchObject({ code: 190, subcode: 460 });
    expect(res.body.error.message).toContain('The session has been invalidated');
    expect(res.text).not.toContain(token);
  });

  it("answers 400 with Meta's words when Meta refuses the request, 503 with Retry-After when it throttles", async () => {
    world.sim.faults.add({
      id: 'unknown-psid',
      match: { pathPattern: '**/ids_for_apps' },
      action: { type: 'error', code: 100, subcode: 33 },
      times: 1,
    });
    const refused = await linkedIds(PSID, messenger.id);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'GW_BAD_REQUEST', meta: { code: 100, subcode: 33 } });
    expect(refused.body.error.message).toMatch(/^Meta refused to match ids across the business: /);

    world.sim.faults.add({
      id: 'throttled',
      match: { pathPattern: '**/ids_for_pages' },
      action: { type: 'error', code: 4, retryAfter: 3 },
    });
    const throttled = await linkedIds(PSID, messenger.id);
    expect(throttled.status).toBe(503);
    expect(throttled.body.error).toMatchObject({ code: 'GW_UNAVAILABLE', meta: { code: 4 } });
    expect(throttled.headers['retry-after']).toBe('3');
  });

  it('answers 404 for an unknown integration and 400 for one that has no Page', async () => {
    const unknown = await linkedIds(PSID, randomUUID());
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('GW_NOT_FOUND');

    const { integration: whatsapp } = await whatsAppIntegration(world);
    const wrongChannel = await linkedIds(PSID, whatsapp.id);
    expect(wrongChannel.status).toBe(400);
    expect(wrongChannel.body.error.message).toContain('Messenger integration');
  });

  it('rejects invalid parameters with the field paths at fault', async () => {
    const bad = await world.call('GET', '/admin/contacts/not-a-psid/linked-ids?integrationId=nope');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('GW_VALIDATION');
    const paths = bad.body.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toContain('params.id');

    const missing = await world.call('GET', `/admin/contacts/${PSID}/linked-ids`);
    expect(missing.status).toBe(400);
    expect(missing.body.error.issues.map((i: { path: string }) => i.path)).toContain(
      'querystring.integrationId',
    );

    const notUuid = await world.call('GET', `/admin/contacts/${PSID}/linked-ids?integrationId=nope`);
    expect(notUuid.body.error.issues.map((i: { path: string }) => i.path)).toContain(
      'querystring.integrationId',
    );
  });
});
