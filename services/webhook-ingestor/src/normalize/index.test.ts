import { inboundKey } from '@omnistream/events';
import { describe, expect, it } from 'vitest';
import { normalizeWebhook, objectMatchesRoute } from './index.ts';
import { fakeContext, fixture, normalize, routeOf, webhookFixtureNames } from './test-support.ts';

describe('objectMatchesRoute', () => {
  it.each([
    ['whatsapp', 'whatsapp_business_account'],
    ['instagram', 'instagram'],
    ['messenger', 'page'],
    ['fbe', 'application'],
  ] as const)('accepts %s only with object %s', (route, object) => {
    expect(objectMatchesRoute(route, { object, entry: [] })).toBe(true);
    expect(objectMatchesRoute(route, { object: 'user', entry: [] })).toBe(false);
    expect(objectMatchesRoute(route, null)).toBe(false);
    expect(objectMatchesRoute(route, [object])).toBe(false);
  });

  it('rejects a WhatsApp body on the Messenger route', () => {
    expect(objectMatchesRoute('messenger', fixture('whatsapp-text.json'))).toBe(false);
  });
});

describe('normalizeWebhook', () => {
  it.each(webhookFixtureNames())(
    '%s gives schema-valid events with distinct ids and the request time',
    (name) => {
      const events = normalize(fixture(name)).events;
      expect(events.length).toBeGreaterThan(0);
      expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
      for (const event of events) {
        expect(event.receivedAt).toBe('2025-06-09T12:00:00.000Z');
        expect(event.raw).toBeDefined();
        expect(inboundKey(event)).toMatch(/\S/);
      }
    },
  );

  it.each([null, 'text', 42, [], {}, { entry: 'nope' }, { entry: null }])(
    'gives no events for top-level junk %j',
    (body) => {
      for (const route of ['whatsapp', 'instagram', 'messenger', 'fbe'] as const) {
        expect(normalizeWebhook(route, body, fakeContext())).toEqual({ events: [], unknownAccounts: 0 });
      }
    },
  );

  it('publishes entries it cannot read as unsupported rather than dropping them', () => {
    for (const name of ['whatsapp-text.json', 'instagram-text.json', 'fbe-install.json']) {
      const body = fixture(name);
      (body.entry as unknown[]).push(7, { id: '1' });
      const events = normalize(body).events;
      expect(events.slice(-2).map((e) => [e.kind, e.account.id])).toEqual([
        ['unsupported', 'unknown'],
        ['unsupported', '1'],
      ]);
    }
  });

  it('does not throw on fragments of the wrong type anywhere', () => {
    const weird = [
      null,
      1,
      'x',
      [],
      {},
      { field: 'messages', value: null },
      {
        field: 'messages',
        value: { metadata: { phone_number_id: '1' }, messages: [{ id: 1 }], statuses: 'x' },
      },
    ];
    const bodies = [
      { object: 'whatsapp_business_account', entry: [{ id: 'w', changes: weird }] },
      { object: 'instagram', entry: [{ id: 'i', messaging: weird, standby: weird, changes: weird }] },
      {
        object: 'page',
        entry: [{ id: 'p', messaging: [{ sender: { id: 's' }, message: { mid: 'm', attachments: weird } }] }],
      },
      { object: 'application', entry: [{ id: 'a', changes: weird }] },
    ];
    for (const body of bodies) {
      expect(() => normalize(body, fakeContext(), routeOf(body))).not.toThrow();
    }
  });
});
