import { type InboundEvent, inboundKey } from '@omnistream/events';
import { describe, expect, it } from 'vitest';
import {
  fakeContext,
  fixture,
  isWhatsApp2026Fixture,
  normalize,
  normalizeFixture,
  single,
  webhookFixtureNames,
} from './test-support.ts';

// Meta's 2026 WhatsApp platform: usernames and business-scoped user ids (BSUID), coexistence,
// groups, calls and marketing preferences. Shapes and sources: test/fixtures/SOURCES.md.
const PHONE = '106540352242922';
const WABA = '102290129340398';
const CUSTOMER = '16505551234';
const BSUID = 'US.13491208655302741918';
const GROUP = 'Y2FwaV9ncm91cDoxMjAzNjM0MDI3NzQ2NjYyODQ';
const account = { id: PHONE, wabaId: WABA };
const PARENT = 'US.ENT.11815799212886844830';
// Usernames keep Meta's leading `@` (its examples: "@realsheenanelson").
const kerry = {
  id: BSUID,
  userId: BSUID,
  parentUserId: PARENT,
  username: '@kerry.fisher',
  name: 'Kerry Fisher',
};
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

const expectations: Record<string, (events: InboundEvent[]) => void> = {
  'whatsapp-bsuid-text-no-phone.json': (events) => {
    const event = single(events, 'message');
    expect(event).toMatchObject({ account, contact: kerry, occurredAt: iso(1796376600) });
    expect(event.contact).not.toHaveProperty('waId');
    expect(event.payload).toMatchObject({ type: 'text', text: 'hi, is my order ready?' });
    expect(inboundKey(event)).toBe(`whatsapp:${PHONE}:${BSUID}`);
  },
  'whatsapp-bsuid-text-both-ids.json': (events) => {
    const event = single(events, 'message');
    // The phone number stays the id (the key consumers had before BSUIDs); the BSUID rides along.
    expect(event.contact).toEqual({
      id: CUSTOMER,
      name: 'Sheena Nelson',
      userId: 'US.1765719894460979',
      parentUserId: PARENT,
      username: '@sheena.n',
    });
    expect(inboundKey(event)).toBe(`whatsapp:${PHONE}:${CUSTOMER}`);
  },
  'whatsapp-bsuid-image-no-phone.json': (events) => {
    const event = single(events, 'message');
    expect(event).toMatchObject({ contact: kerry, occurredAt: iso(1796376605) });
    expect(event.payload).toMatchObject({
      type: 'image',
      media: { id: '1013859600285441', caption: 'the receipt' },
    });
  },
  'whatsapp-bsuid-reaction-no-phone.json': (events) => {
    const event = single(events, 'reaction');
    expect(event).toMatchObject({ contact: kerry, occurredAt: iso(1796376609) });
    expect(event.payload).toMatchObject({ action: 'react', emoji: '👍' });
  },
  'whatsapp-bsuid-status-no-phone.json': (events) => {
    const event = single(events, 'status');
    // Statuses now come with contacts[] too: the same contact as the customer's messages.
    expect(event.contact).toEqual(kerry);
    expect(event.payload).toMatchObject({ status: 'delivered', recipientId: BSUID });
    expect(event.occurredAt).toBe(iso(1796376700));
  },
  'whatsapp-system-user-changed-user-id.json': (events) => {
    // No `from` at all: the system message still arrives, and the change links old and new BSUIDs.
    expect(events.map((e) => e.kind)).toEqual(['message', 'contact_change']);
    const change = single([events[1] as InboundEvent], 'contact_change');
    expect(change.contact).toEqual({ id: 'US.98765432109876543210', userId: 'US.98765432109876543210' });
    expect(change.payload).toMatchObject({
      change: 'user_id_changed',
      source: 'system',
      previous: { userId: BSUID },
      current: { userId: 'US.98765432109876543210' },
    });
  },
  'whatsapp-smb-message-echoes.json': (events) => {
    const event = single(events, 'echo');
    // The customer it went to, on the number's account (not the WABA).
    expect(event).toMatchObject({ account, contact: { id: CUSTOMER }, occurredAt: iso(1796376900) });
    expect(event.payload).toMatchObject({ type: 'text', text: 'See you at 5!' });
    expect(inboundKey(event)).toBe(`whatsapp:${PHONE}:${CUSTOMER}`);
  },
  'whatsapp-history.json': (events) => {
    // The third is a `media_placeholder` (media the sync does not carry): kept, as unsupported.
    expect(events.map((e) => e.kind)).toEqual(['message', 'echo', 'unsupported']);
    const [customer, business, placeholder] = events as [InboundEvent, InboundEvent, InboundEvent];
    expect(placeholder.payload).toMatchObject({ type: 'media_placeholder' });
    expect(customer.contact).toMatchObject({ id: CUSTOMER, userId: 'US.1765719894460979' });
    expect(business.contact).toMatchObject({ id: CUSTOMER, userId: 'US.1765719894460979' });
    expect(customer).toMatchObject({
      account,
      contact: { id: CUSTOMER },
      occurredAt: iso(1796290000),
      history: { status: 'READ', phase: 0, chunkOrder: 1, progress: 100 },
      payload: { type: 'text', text: 'Is the shop open on Sunday?' },
    });
    expect(business).toMatchObject({
      contact: { id: CUSTOMER },
      history: { status: 'DELIVERED' },
      payload: { type: 'text', text: 'Yes, 10 to 4.' },
    });
  },
  'whatsapp-history-declined.json': (events) => {
    const event = single(events, 'unsupported');
    expect(event.account).toEqual(account);
    expect(event.payload.reason).toMatch(/history sync.*2593109/i);
  },
  'whatsapp-smb-app-state-sync.json': (events) => {
    expect(events.map((e) => e.kind)).toEqual(['contact_change', 'contact_change']);
    const [added, removed] = events.map((e) => single([e], 'contact_change'));
    expect(added).toMatchObject({
      account,
      contact: { id: CUSTOMER },
      payload: {
        change: 'added',
        source: 'app_contacts',
        current: { waId: CUSTOMER },
        fullName: 'Sheena Nelson',
        firstName: 'Sheena',
      },
    });
    expect(removed?.payload).toMatchObject({ change: 'removed', current: { waId: '16505559876' } });
  },
  'whatsapp-group-text.json': (events) => {
    const event = single(events, 'message');
    expect(event.contact).toMatchObject({ id: CUSTOMER, userId: 'US.1765719894460979' });
    expect(event.payload).toMatchObject({ groupId: GROUP, type: 'text' });
    expect(inboundKey(event)).toBe(`whatsapp:${PHONE}:group:${GROUP}`);
  },
  'whatsapp-group-status-read.json': (events) => {
    const event = single(events, 'status');
    // One member's read, not the group's.
    expect(event.contact).toEqual({ id: CUSTOMER, name: 'Sheena Nelson', userId: 'US.1765719894460979' });
    expect(event.payload).toMatchObject({
      status: 'read',
      recipientId: GROUP,
      groupId: GROUP,
      participant: { id: CUSTOMER },
    });
    expect(inboundKey(event)).toBe(`whatsapp:${PHONE}:group:${GROUP}`);
  },
  'whatsapp-group-status-read-bsuid.json': (events) => {
    const event = single(events, 'status');
    // A member known only by BSUID.
    expect(event.contact).toMatchObject({ id: BSUID, userId: BSUID, username: '@kerry.fisher' });
    expect(event.payload).toMatchObject({ groupId: GROUP, participant: { id: BSUID, userId: BSUID } });
  },
  'whatsapp-user-id-update.json': (events) => {
    const event = single(events, 'contact_change');
    expect(event).toMatchObject({
      account,
      contact: { id: '12195555358', userId: 'US.2065719894460980', name: 'Sheena Nelson' },
      occurredAt: iso(1796376810),
      payload: {
        change: 'user_id_changed',
        source: 'user_id_update',
        previous: { waId: '12195555358', userId: 'US.1765719894460979' },
        current: { waId: '12195555358', userId: 'US.2065719894460980' },
      },
    });
  },
  'whatsapp-status-played.json': (events) => {
    const event = single(events, 'status');
    expect(event.payload).toMatchObject({ status: 'played', recipientId: CUSTOMER });
  },
  'whatsapp-calls-connect.json': (events) => {
    const event = single(events, 'call');
    expect(event).toMatchObject({ account, contact: { id: CUSTOMER, name: 'Sheena Nelson' } });
    expect(event.payload).toMatchObject({ event: 'connect', direction: 'USER_INITIATED' });
    expect(JSON.stringify(event.raw)).not.toContain('v=0');
  },
  'whatsapp-calls-terminate.json': (events) => {
    const event = single(events, 'call');
    expect(event.payload).toEqual({
      callId: expect.stringMatching(/^wacid\./),
      event: 'terminate',
      direction: 'USER_INITIATED',
      status: 'COMPLETED',
      startedAt: iso(1796377402),
      endedAt: iso(1796377472),
      durationSeconds: 70,
    });
  },
  'whatsapp-user-preferences-stop.json': (events) => {
    const event = single(events, 'marketing_preference');
    expect(event).toMatchObject({
      account,
      contact: { id: CUSTOMER, name: 'Sheena Nelson' },
      occurredAt: iso(1796377500),
      payload: { preference: 'stop', category: 'marketing_messages' },
    });
  },
  'whatsapp-user-preferences-resume.json': (events) => {
    expect(single(events, 'marketing_preference').payload.preference).toBe('resume');
  },
};

describe('WhatsApp 2026 platform fixtures', () => {
  it('has expectations for every 2026 fixture', () => {
    expect(Object.keys(expectations).sort()).toEqual(
      webhookFixtureNames('whatsapp-').filter(isWhatsApp2026Fixture),
    );
  });

  it.each(Object.entries(expectations))('%s', (name, check) => {
    check(normalizeFixture(name));
  });

  it('routes every change that names a phone number to that number, and resolves its integration', () => {
    const ctx = fakeContext({ [`whatsapp:${PHONE}`]: 'int_wa' });
    for (const name of webhookFixtureNames('whatsapp-').filter(isWhatsApp2026Fixture)) {
      for (const event of normalize(fixture(name), ctx).events) {
        expect(event.account.id, name).toBe(PHONE);
        expect(event.integrationId, name).toBe('int_wa');
      }
    }
  });

  it('a retried delivery gets the same event ids (deduplication across Meta retries)', () => {
    for (const name of webhookFixtureNames('whatsapp-').filter(isWhatsApp2026Fixture)) {
      const first = normalizeFixture(name).map((e) => e.eventId);
      expect(
        normalizeFixture(name).map((e) => e.eventId),
        name,
      ).toEqual(first);
      expect(new Set(first).size, name).toBe(first.length);
    }
  });

  it('a history message has the event id of the same message delivered live', () => {
    const history = normalizeFixture('whatsapp-history.json')[0] as InboundEvent;
    const live = fixture('whatsapp-text.json') as {
      entry: { changes: { value: { messages: object[] } }[] }[];
    };
    const message = live.entry[0]?.changes[0]?.value.messages[0] as Record<string, unknown>;
    message.id = (history.payload as { messageId: string }).messageId;
    const [liveEvent] = normalize(live).events;
    expect(liveEvent?.eventId).toBe(history.eventId);
    expect(liveEvent).not.toHaveProperty('history');
  });

  it('a message with neither from nor from_user_id is unsupported with a clear reason, not lost silently', () => {
    const body = fixture('whatsapp-bsuid-text-no-phone.json') as {
      entry: { changes: { value: { messages: Record<string, unknown>[] } }[] }[];
    };
    const message = body.entry[0]?.changes[0]?.value.messages[0] as Record<string, unknown>;
    delete message.from_user_id;
    const [event] = normalize(body).events;
    expect(event?.kind).toBe('unsupported');
    expect(event?.payload).toMatchObject({ reason: expect.stringMatching(/from or from_user_id/) });
  });
});
