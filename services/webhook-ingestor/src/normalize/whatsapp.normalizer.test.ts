import { describe, expect, it } from 'vitest';
import { fakeContext, fixture, fixtureText, normalize, normalizeFixture, single } from './test-support.ts';

const PHONE = '106540352242922';
const WABA = '102290129340398';
const CUSTOMER = '16505551234';
const sheena = { id: CUSTOMER, name: 'Sheena Nelson' };

describe('WhatsApp normalizer', () => {
  it('decodes escaped unicode, escaped slashes and surrogate-pair emoji as Meta sends them', () => {
    // The exact bytes Meta signs: `Caf\u00e9 \/ ol\u00e1 \ud83d\ude00`.
    const raw = fixtureText('signature-raw-body.txt');
    expect(raw).toContain('Caf\\u00e9 \\/ ol\\u00e1 \\ud83d\\ude00');
    const payload = single(normalize(JSON.parse(raw)).events, 'message').payload;
    expect(payload.type === 'text' && payload.text).toBe('Café / olá 😀');
  });

  it('gives a redelivered webhook the same event ids', () => {
    const first = normalize(fixture('whatsapp-batch.json')).events.map((e) => e.eventId);
    const again = normalize(fixture('whatsapp-batch.json')).events.map((e) => e.eventId);
    expect(again).toEqual(first);
  });

  it('gives every message and every status of one wamid its own id', () => {
    const ids = normalize(fixture('whatsapp-batch.json')).events.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('publishes sent, delivered and read of one wamid as three events with three ids', () => {
    const body = fixture('whatsapp-status-sent.json');
    const statuses = statusesOf(body);
    const sent = statuses[0] as Record<string, unknown>;
    statuses.push(
      { ...sent, status: 'delivered', timestamp: '1749416805' },
      { ...sent, status: 'read', timestamp: '1749416900' },
    );
    const events = normalize(body).events;
    expect(events.map((e) => (e.kind === 'status' ? [e.payload.messageId, e.payload.status] : []))).toEqual([
      [sent.id, 'sent'],
      [sent.id, 'delivered'],
      [sent.id, 'read'],
    ]);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(3);
  });

  it('tells template updates apart, but not a redelivery of one', () => {
    const ids = [
      'whatsapp-template-status-approved.json',
      'whatsapp-template-quality-update.json',
      'whatsapp-template-category-update.json',
    ].map((name) => single(normalizeFixture(name), 'template_status').eventId);
    const rejected = fixture('whatsapp-template-status-approved.json');
    changeValueOf(rejected).event = 'REJECTED';
    const pausedLater = fixture('whatsapp-template-status-approved.json');
    (entriesOf(pausedLater)[0] as Record<string, unknown>).time = 1749519000;
    const variants = [rejected, pausedLater].map(
      (body) => single(normalize(body).events, 'template_status').eventId,
    );
    const all = [...ids, ...variants];
    expect(new Set(all).size).toBe(all.length);
    expect(
      single(normalizeFixture('whatsapp-template-status-approved.json'), 'template_status').eventId,
    ).toBe(ids[0]);
  });

  it('publishes an unknown message type as unsupported with the fragment, and keeps its neighbours', () => {
    const body = fixture('whatsapp-text.json');
    const messages = messagesOf(body);
    const call = {
      from: CUSTOMER,
      id: 'wamid.CALL1',
      timestamp: '1749416384',
      type: 'call_permission_reply',
      call_permission_reply: { response: 'accept' },
    };
    messages.push(call);
    const events = normalize(body).events;
    expect(events.map((e) => e.kind)).toEqual(['message', 'unsupported']);
    expect(events[1]).toMatchObject({
      contact: sheena,
      payload: {
        type: 'call_permission_reply',
        reason: 'WhatsApp message type call_permission_reply is not normalized',
      },
      raw: call,
    });
  });

  it('turns malformed messages and statuses into unsupported events without losing the good ones', () => {
    const body = fixture('whatsapp-batch.json');
    const messages = messagesOf(body);
    messages.splice(
      1,
      0,
      { from: CUSTOMER, timestamp: '1749417100', type: 'text', text: { body: 'no id' } },
      'junk',
    );
    statusesOf(body, 1).push({ id: 'wamid.X', timestamp: '1749417104', recipient_id: CUSTOMER });
    const result = normalize(body);
    expect(result.events.map((e) => e.kind)).toEqual([
      'message',
      'unsupported',
      'unsupported',
      'message',
      'message',
      'status',
      'status',
      'status',
      'status',
      'unsupported',
    ]);
    expect(result.events[1]?.payload).toMatchObject({
      reason: 'malformed WhatsApp message: message id is missing or invalid',
    });
    expect(result.events[2]?.payload).toMatchObject({
      reason: 'malformed WhatsApp message: message is missing or invalid',
    });
    expect(result.events[9]?.payload).toMatchObject({
      reason: 'malformed WhatsApp status: status value is missing or invalid',
    });
    // Id-less fragments still get a stable, distinct id.
    const again = normalize(JSON.parse(JSON.stringify(body))).events.map((e) => e.eventId);
    expect(again).toEqual(result.events.map((e) => e.eventId));
    expect(new Set(again).size).toBe(again.length);
  });

  it('keeps the other changes when a messages change has no phone_number_id to route by', () => {
    const body = fixture('whatsapp-batch.json');
    const change = (entriesOf(body)[0] as { changes: Array<{ value: Record<string, unknown> }> }).changes[0];
    delete change?.value.metadata;
    const events = normalize(body).events;
    expect(events.map((e) => e.kind)).toEqual(['unsupported', 'status', 'status', 'status', 'status']);
    expect(events[0]).toMatchObject({
      account: { id: WABA },
      payload: { type: 'messages', reason: expect.stringContaining('phone_number_id') },
    });
  });

  it('resolves the integration per phone number and counts unknown accounts', () => {
    const ctx = fakeContext({ [`whatsapp:${PHONE}`]: 'int_wa_1' });
    const result = normalize(fixture('whatsapp-batch.json'), ctx);
    expect(result.events.map((e) => e.integrationId)).toEqual([
      'int_wa_1',
      'int_wa_1',
      'int_wa_1',
      'int_wa_1',
      'int_wa_1',
      null,
      null,
    ]);
    expect(result.unknownAccounts).toBe(2);
  });

  it('gives no events for a body without an entry array', () => {
    expect(normalize({ object: 'whatsapp_business_account', entry: {} }, fakeContext(), 'whatsapp')).toEqual({
      events: [],
      unknownAccounts: 0,
    });
  });
});

function entriesOf(body: Record<string, unknown>): unknown[] {
  return body.entry as unknown[];
}

function changeValueOf(body: Record<string, unknown>, entry = 0): Record<string, unknown> {
  const e = entriesOf(body)[entry] as { changes: Array<{ value: Record<string, unknown> }> };
  return e.changes[0]?.value as Record<string, unknown>;
}

function messagesOf(body: Record<string, unknown>): unknown[] {
  return changeValueOf(body).messages as unknown[];
}

function statusesOf(body: Record<string, unknown>, entry = 0): unknown[] {
  const e = entriesOf(body)[entry] as { changes: Array<{ value: Record<string, unknown> }> };
  const withStatuses = e.changes.find((c) => Array.isArray(c.value.statuses));
  return withStatuses?.value.statuses as unknown[];
}
