import type { InboundEvent } from '@omnistream/events';
import { describe, expect, it } from 'vitest';
import { NormalizeContextError, normalizeWebhook } from './index.ts';
import { fakeContext, fixture, normalize, single, webhookFixtureNames } from './test-support.ts';

const TOKEN = 'EAAVkLX0ZBc0ABO...redacted';
const BUSINESS_MANAGER = '2329417887457253';

function changeValue(body: Record<string, unknown>): Record<string, unknown> {
  const entry = (
    body.entry as Array<{ changes: Array<{ field: string; value: Record<string, unknown> }> }>
  )[0];
  return entry?.changes[0]?.value as Record<string, unknown>;
}

function setField(body: Record<string, unknown>, field: string): void {
  const entry = (body.entry as Array<{ changes: Array<{ field: string }> }>)[0];
  if (entry?.changes[0]) entry.changes[0].field = field;
}

function expectNoToken(events: InboundEvent[]): void {
  const json = JSON.stringify(events);
  expect(json).not.toContain('access_token');
  expect(json).not.toContain(TOKEN);
}

const expectations: Record<string, (events: InboundEvent[]) => void> = {
  'fbe-install.json': (events) => {
    const event = single(events, 'fbe_install');
    expect(event).toMatchObject({
      channel: 'fbe',
      // No external business id in the webhook: the client's Business Manager stands in for it.
      account: { id: BUSINESS_MANAGER },
      integrationId: null,
      occurredAt: '2025-06-08T22:16:40.000Z',
    });
    expect(event.contact).toBeUndefined();
    expect(event.payload).toMatchObject({
      externalBusinessId: BUSINESS_MANAGER,
      businessManagerId: BUSINESS_MANAGER,
      pages: ['112233445566778'],
      instagramProfiles: ['17841405793187218'],
      pixelId: '1234567890123456',
      catalogId: '354160437058781',
      adAccountId: '980198427534243',
      commerceMerchantSettingsId: '551098765432109',
      onsiteEligible: false,
      flow: 'COMMERCE',
      tokenType: 'User',
      encryptedToken: { keyId: 'k2025', last4: 'cted', ciphertext: expect.stringMatching(/^v1\./) },
    });
    expect(event.payload.installedFeatures.map((f) => [f.featureType, f.connectedAssets])).toEqual([
      ['catalog', { business_manager_id: BUSINESS_MANAGER, catalog_id: '354160437058781' }],
      [
        'pixel',
        {
          business_manager_id: BUSINESS_MANAGER,
          pixel_id: '1234567890123456',
          ad_account_id: '980198427534243',
        },
      ],
      [
        'messenger_chat',
        {
          business_manager_id: BUSINESS_MANAGER,
          page_id: '112233445566778',
          ig_profile_id: '17841405793187218',
        },
      ],
    ]);
    expect(event.raw).toMatchObject({
      field: 'fbe_install',
      value: { fbe_event: 'INSTALL', pixel_id: '1234567890123456' },
    });
    expectNoToken(events);
  },
  'fbe-uninstall.json': (events) => {
    const event = single(events, 'fbe_uninstall');
    expect(event).toMatchObject({ channel: 'fbe', account: { id: BUSINESS_MANAGER } });
    expect(event.payload).toMatchObject({
      externalBusinessId: BUSINESS_MANAGER,
      pages: ['112233445566778'],
      installedFeatures: [],
    });
    expect(event.payload.encryptedToken).toBeUndefined();
  },
  'business-integration-install.json': (events) => {
    // Facebook Login for Business installs: no external business id, no token, nothing to configure.
    expect(single(events, 'unsupported')).toMatchObject({
      channel: 'fbe',
      account: { id: BUSINESS_MANAGER },
      payload: {
        type: 'business_integration_install',
        reason: 'FBE change field business_integration_install is not normalized',
      },
    });
  },
};

describe('FBE fixtures', () => {
  it('has expectations for every application-object fixture', () => {
    expect(Object.keys(expectations).sort()).toEqual([
      ...webhookFixtureNames('business-'),
      ...webhookFixtureNames('fbe-'),
    ]);
  });

  it.each(Object.entries(expectations))('%s', (name, check) => {
    const result = normalize(fixture(name));
    expect(result.unknownAccounts).toBe(0);
    check(result.events);
  });
});

describe('FBE normalizer', () => {
  it('encrypts the token once and never publishes it, leaving the parsed body untouched', () => {
    const ctx = fakeContext();
    const body = fixture('fbe-install.json');
    const events = normalize(body, ctx).events;
    expect(ctx.encrypted).toEqual([TOKEN]);
    expectNoToken(events);
    expect(changeValue(body).access_token).toBe(TOKEN);
  });

  it('strips a token wherever it sits, also from changes it does not understand', () => {
    const body = fixture('fbe-install.json');
    const features = changeValue(body).installed_features as Array<Record<string, unknown>>;
    if (features[0]) features[0].additional_info = { access_token: TOKEN };
    expectNoToken(normalize(body).events);
    setField(body, 'business_integration_update');
    const unsupported = single(normalize(body).events, 'unsupported');
    expectNoToken([unsupported]);
  });

  it('treats the fbe_uninstall field as an uninstall too', () => {
    const body = fixture('fbe-install.json');
    setField(body, 'fbe_uninstall');
    const event = single(normalize(body).events, 'fbe_uninstall');
    expect(event.payload.encryptedToken?.last4).toBe('cted');
  });

  it('prefers the external business id when Meta sends one', () => {
    const body = fixture('fbe-install.json');
    changeValue(body).fbe_external_business_id = 'shop-42';
    const event = single(normalize(body).events, 'fbe_install');
    expect(event.account.id).toBe('shop-42');
    expect(event.payload).toMatchObject({
      externalBusinessId: 'shop-42',
      businessManagerId: BUSINESS_MANAGER,
    });
  });

  it('keeps ids stable on redelivery and apart between install, reinstall and uninstall', () => {
    const install = single(normalize(fixture('fbe-install.json')).events, 'fbe_install').eventId;
    const again = single(normalize(fixture('fbe-install.json')).events, 'fbe_install').eventId;
    const reinstall = fixture('fbe-install.json');
    ((reinstall.entry as unknown[])[0] as Record<string, unknown>).time = 1749429000;
    const later = single(normalize(reinstall).events, 'fbe_install').eventId;
    const uninstall = single(normalize(fixture('fbe-uninstall.json')).events, 'fbe_uninstall').eventId;
    expect(again).toBe(install);
    expect(new Set([install, later, uninstall]).size).toBe(3);
  });

  it('publishes an install without any business id as unsupported, token stripped', () => {
    const body = fixture('fbe-install.json');
    delete changeValue(body).business_manager_id;
    const events = normalize(body).events;
    expect(single(events, 'unsupported').payload.reason).toMatch(
      /^malformed FBE change: business id .* is missing/,
    );
    expectNoToken(events);
  });

  it('fails the request when the token cannot be encrypted, so that Meta retries it', () => {
    const ctx = {
      ...fakeContext(),
      encryptToken: () => {
        throw new Error('no TOKEN_ENCRYPTION_KEYS');
      },
    };
    expect(() => normalizeWebhook('fbe', fixture('fbe-install.json'), ctx)).toThrow(NormalizeContextError);
  });
});
