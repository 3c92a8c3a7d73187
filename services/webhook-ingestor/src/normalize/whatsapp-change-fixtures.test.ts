import type { InboundEvent } from '@omnistream/events';
import { describe, expect, it } from 'vitest';
import { isWhatsAppChangeFixture, normalizeFixture, single, webhookFixtureNames } from './test-support.ts';

const PHONE = '106540352242922';
const WABA = '102290129340398';
const CUSTOMER = '16505551234';
const account = { id: PHONE, wabaId: WABA };
const sheena = { id: CUSTOMER, name: 'Sheena Nelson' };

/** What a consumer must see for each fixture of statuses, errors, templates and account updates. */
const expectations: Record<string, (events: InboundEvent[]) => void> = {
  'whatsapp-batch.json': (events) => {
    expect(events.map((e) => [e.kind, e.account.id, e.contact?.id])).toEqual([
      ['message', PHONE, CUSTOMER],
      ['message', PHONE, '5511988887777'],
      ['message', PHONE, CUSTOMER],
      ['status', PHONE, CUSTOMER],
      ['status', PHONE, CUSTOMER],
      ['status', '198765432109876', '15550002222'],
      ['status', '198765432109876', '15550002222'],
    ]);
    expect(events[1]?.contact).toEqual({ id: '5511988887777', name: 'Ana Souza' });
    expect(events[5]?.account).toEqual({ id: '198765432109876', wabaId: '209876543210987' });
    expect(events.map((e) => (e.kind === 'status' ? e.payload.status : e.kind))).toEqual([
      'message',
      'message',
      'message',
      'delivered',
      'read',
      'sent',
      'failed',
    ]);
  },
  'whatsapp-status-sent.json': (events) => {
    const event = single(events, 'status');
    expect(event).toMatchObject({
      account,
      contact: { id: CUSTOMER },
      occurredAt: '2025-06-08T21:06:40.000Z',
    });
    expect(event.payload).toMatchObject({
      status: 'sent',
      recipientId: CUSTOMER,
      conversation: {
        id: '7270432eae37498234f4444b35ffc5',
        expiration_timestamp: '1749503200',
        origin: { type: 'service' },
      },
      pricing: { billable: true, pricing_model: 'CBP', category: 'service' },
    });
  },
  'whatsapp-status-sent-pmp.json': (events) => {
    expect(single(events, 'status').payload).toMatchObject({
      status: 'sent',
      pricing: { pricing_model: 'PMP', type: 'regular', category: 'marketing' },
    });
  },
  'whatsapp-status-delivered.json': (events) => {
    expect(single(events, 'status').payload).toMatchObject({ status: 'delivered', recipientId: CUSTOMER });
  },
  'whatsapp-status-read.json': (events) => {
    const payload = single(events, 'status').payload;
    expect(payload).toMatchObject({ status: 'read' });
    expect(payload.conversation).toBeUndefined();
  },
  'whatsapp-status-failed-131047.json': (events) => {
    expect(single(events, 'status').payload).toMatchObject({
      status: 'failed',
      errors: [
        {
          code: 131047,
          title: 'Re-engagement message',
          details: expect.stringContaining('more than 24 hours have passed'),
        },
      ],
    });
  },
  'whatsapp-status-failed-131026.json': (events) => {
    expect(single(events, 'status').payload).toMatchObject({
      status: 'failed',
      errors: [{ code: 131026, title: 'Message undeliverable', details: 'Message Undeliverable.' }],
    });
  },
  'whatsapp-value-errors.json': (events) => {
    expect(events.map((e) => e.kind)).toEqual(['message', 'unsupported']);
    // The body-less interactive message stays in the conversation, with the error Meta put beside it.
    expect(events[0]).toMatchObject({
      contact: sheena,
      payload: { type: 'unsupported', errors: [{ code: 131000, details: 'Unsupported webhook payload' }] },
    });
    expect(events[1]).toMatchObject({
      account,
      payload: {
        type: 'errors',
        reason: expect.stringContaining('131000 Something went wrong: Unsupported webhook payload'),
      },
      raw: { code: 131000 },
    });
  },
  'whatsapp-template-status-approved.json': (events) => {
    const event = single(events, 'template_status');
    expect(event).toMatchObject({
      channel: 'whatsapp',
      account: { id: WABA, wabaId: WABA },
      occurredAt: '2025-06-08T21:26:40.000Z', // entry.time, seconds
    });
    expect(event.contact).toBeUndefined();
    expect(event.payload).toEqual({
      field: 'message_template_status_update',
      templateId: '806312974732579', // a JSON number on the wire
      templateName: 'order_update',
      language: 'en_US',
      event: 'APPROVED',
      reason: 'NONE',
    });
  },
  'whatsapp-template-status-rejected.json': (events) => {
    expect(single(events, 'template_status').payload).toMatchObject({
      templateName: 'summer_promo',
      language: 'pt_BR',
      event: 'REJECTED',
      reason: 'INCORRECT_CATEGORY',
    });
  },
  'whatsapp-template-quality-update.json': (events) => {
    expect(single(events, 'template_status').payload).toMatchObject({
      field: 'message_template_quality_update',
      templateId: '806312974732579',
      quality: { previous: 'GREEN', current: 'YELLOW' },
    });
  },
  'whatsapp-template-category-update.json': (events) => {
    expect(single(events, 'template_status').payload).toMatchObject({
      field: 'template_category_update',
      category: { previous: 'UTILITY', current: 'MARKETING' },
    });
  },
  'whatsapp-template-category-update-impending.json': (events) => {
    // Not yet a change: the schema's previous → current cannot express "will change at".
    const event = single(events, 'unsupported');
    expect(event.account).toEqual({ id: WABA, wabaId: WABA });
    expect(event.payload.type).toBe('template_category_update');
    expect(event.payload.reason).toContain(
      'order_update (en_US) moves from UTILITY to MARKETING at 2025-07-07',
    );
  },
  'whatsapp-account-update-ban.json': (events) => {
    const event = single(events, 'unsupported');
    expect(event).toMatchObject({
      account: { id: WABA, wabaId: WABA },
      payload: { type: 'account_update', reason: 'WhatsApp change field account_update is not normalized' },
      raw: { field: 'account_update', value: { event: 'DISABLED_UPDATE' } },
    });
  },
  'whatsapp-account-update-verified-legacy.json': (events) => {
    expect(single(events, 'unsupported')).toMatchObject({
      payload: { type: 'account_update' },
      raw: { value: { event: 'VERIFIED_ACCOUNT' } },
    });
  },
  'whatsapp-account-update-partner-removed.json': (events) => {
    expect(single(events, 'unsupported')).toMatchObject({
      payload: { type: 'account_update' },
      raw: { value: { event: 'PARTNER_REMOVED' } },
    });
  },
};

describe('WhatsApp status, template and account fixtures', () => {
  it('has expectations for every such fixture', () => {
    const names = webhookFixtureNames('whatsapp-').filter(isWhatsAppChangeFixture);
    expect(Object.keys(expectations).sort()).toEqual(names);
  });

  it.each(Object.entries(expectations))('%s', (name, check) => {
    check(normalizeFixture(name));
  });
});
