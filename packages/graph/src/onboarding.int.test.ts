import type { MetaSim } from '@omnistream/meta-sim';
import { describe, expect, it } from 'vitest';
import type { GraphClient } from './graph-client.ts';
import { IG, IGSID, PAGE, PSID, useSim, WA } from './sim-kit.ts';

let sim: MetaSim;
let client: GraphClient;
useSim((s, c) => {
  sim = s;
  client = c;
});

const REDIRECT = 'https://omni.example.com/oauth/callback';

describe('Facebook Login → Messenger page', () => {
  it('code → user token → long-lived → pages → subscription, each token usable', async () => {
    sim.oauth.addCode({
      code: 'AQDfbcode',
      flow: 'facebook',
      accounts: [PAGE.pageId],
      redirectUri: REDIRECT,
    });
    const short = await client.exchangeFacebookCode({
      appId: sim.app.id,
      redirectUri: REDIRECT,
      code: 'AQDfbcode',
    });
    expect(short).toMatchObject({
      accessToken: expect.any(String),
      tokenType: 'bearer',
      expiresIn: expect.any(Number),
    });
    const long = await client.exchangeLongLivedFacebookToken({ appId: sim.app.id, token: short.accessToken });
    expect(long.accessToken).not.toBe(short.accessToken);

    const pages = await client.listPages({ token: long.accessToken });
    expect(pages).toEqual([
      expect.objectContaining({ id: PAGE.pageId, name: 'Lucky Shrub', accessToken: expect.any(String) }),
    ]);
    const pageToken = pages[0]?.accessToken ?? '';
    await client.subscribePageApp({
      pageId: PAGE.pageId,
      token: pageToken,
      fields: ['messages', 'messaging_postbacks'],
    });
    expect(sim.business.subscriptions(PAGE.pageId)).toEqual(['messages', 'messaging_postbacks']);
    await expect(
      client.sendMessenger({
        pageId: PAGE.pageId,
        token: pageToken,
        recipientId: PSID,
        messagingType: 'RESPONSE',
        message: { type: 'text', text: 'hi' },
      }),
    ).resolves.toMatchObject({ recipientId: PSID });
  });

  it('a used code is refused and not retryable', async () => {
    sim.oauth.addCode({ code: 'AQDonce', flow: 'facebook', redirectUri: REDIRECT });
    await client.exchangeFacebookCode({ appId: sim.app.id, redirectUri: REDIRECT, code: 'AQDonce' });
    const err = await client
      .exchangeFacebookCode({ appId: sim.app.id, redirectUri: REDIRECT, code: 'AQDonce' })
      .catch((e) => e);
    expect(err).toMatchObject({ code: 100, retryable: false });
    expect(err.message).not.toContain('AQDonce');
    expect(err.message).not.toContain(sim.app.secret);
  });
});

describe('Instagram Login', () => {
  it('code → short-lived (user_id exact above 2^53) → long-lived → refreshed → /me and subscription', async () => {
    sim.oauth.addCode({
      code: 'AQBigcode',
      flow: 'instagram',
      accounts: [IG.igUserId],
      redirectUri: REDIRECT,
    });
    const short = await client.exchangeInstagramCode({
      appId: sim.app.instagramAppId,
      redirectUri: REDIRECT,
      code: 'AQBigcode',
    });
    expect(short.userId).toBe('27640875392278831');
    expect(short.permissions).toContain('instagram_business_manage_messages');
    const long = await client.exchangeInstagramLongLived({ token: short.accessToken });
    const refreshed = await client.refreshInstagramToken({ token: long.accessToken });
    expect(refreshed).toMatchObject({ tokenType: 'bearer', expiresIn: 5_184_000 });
    expect(await client.checkToken({ token: refreshed.accessToken, host: 'instagram' })).toMatchObject({
      valid: true,
      id: IG.igUserId,
      name: 'luckyshrub',
    });
    await client.subscribeInstagramApp({
      token: refreshed.accessToken,
      fields: ['messages', 'messaging_seen'],
    });
    expect(sim.business.subscriptions(IG.igUserId)).toEqual(['messages', 'messaging_seen']);
    await expect(
      client.sendInstagram({
        igUserId: IG.igUserId,
        token: refreshed.accessToken,
        recipientId: IGSID,
        message: { type: 'text', text: 'oi' },
      }),
    ).resolves.toMatchObject({ recipientId: IGSID });
  });
});

describe('FBE', () => {
  it('system-user token, installs and configuration round trip', async () => {
    sim.business.addInstall({
      externalBusinessId: 'shop-42',
      businessManagerId: '2329417887457253',
      pages: [PAGE.pageId],
      instagramProfiles: [IG.igUserId],
      pixelId: '1234567890123456',
    });
    const { accessToken } = await client.getSystemUserToken({
      businessId: '2329417887457253',
      appId: sim.app.id,
      scope: ['manage_business_extension'],
      token: WA.token,
      externalBusinessId: 'shop-42',
    });
    // The system user may act on the installed page.
    await expect(
      client.sendMessenger({
        pageId: PAGE.pageId,
        token: accessToken,
        recipientId: PSID,
        messagingType: 'UPDATE',
        message: { type: 'text', text: 'x' },
      }),
    ).resolves.toMatchObject({ recipientId: PSID });

    expect(await client.listFbeInstalls({ token: accessToken, externalBusinessId: 'shop-42' })).toEqual([
      expect.objectContaining({
        businessManagerId: '2329417887457253',
        pages: [PAGE.pageId],
        instagramProfiles: [IG.igUserId],
        pixelId: '1234567890123456',
      }),
    ]);
    const config = { messenger_chat: { enabled: true, domains: ['https://shop.example.com'] } };
    await client.updateFbeConfig({
      token: accessToken,
      externalBusinessId: 'shop-42',
      businessConfig: config,
    });
    expect(await client.getFbeConfig({ token: accessToken, externalBusinessId: 'shop-42' })).toMatchObject({
      business_config: config,
    });
  });
});

describe('ID matching', () => {
  const ASID = '10223344556677889';

  it('maps PSID ↔ ASID with appsecret_proof', async () => {
    sim.business.link({ psid: PSID, pageId: PAGE.pageId, asid: ASID, appId: sim.app.id });
    expect(await client.idsForApps({ psid: PSID, token: PAGE.token })).toEqual([
      { id: ASID, appId: sim.app.id, appName: sim.app.name },
    ]);
    expect(await client.idsForPages({ asid: ASID, token: PAGE.token })).toEqual([
      { id: PSID, pageId: PAGE.pageId, pageName: 'Lucky Shrub' },
    ]);
  });

  it('says why while Meta reviews the first use (#200)', async () => {
    sim.business.idMatchingUnderReview = true;
    const err = await client.idsForApps({ psid: PSID, token: PAGE.token }).catch((e) => e);
    expect(err).toMatchObject({ code: 200, category: 'permission', retryable: false });
    expect(err.message).toMatch(/48 h/);
  });
});
