import type { InboundEvent } from '@omnistream/events';
import { describe, expect, it } from 'vitest';
import {
  isWhatsApp2026Fixture,
  isWhatsAppChangeFixture,
  normalizeFixture,
  RECEIVED_AT,
  single,
  webhookFixtureNames,
} from './test-support.ts';

const PHONE = '106540352242922';
const WABA = '102290129340398';
const CUSTOMER = '16505551234';
const account = { id: PHONE, wabaId: WABA };
const sheena = { id: CUSTOMER, name: 'Sheena Nelson' };

function message(events: InboundEvent[]) {
  const event = single(events, 'message');
  expect(event).toMatchObject({ channel: 'whatsapp', account, contact: { id: CUSTOMER } });
  return event.payload;
}

/** The `contact_change` a changed-number system message gives: old number → new, on the new key. */
function numberChange(events: InboundEvent[]) {
  const change = single([events[1] as InboundEvent], 'contact_change');
  expect(change).toMatchObject({ account, contact: { id: '16505559999' } });
  expect(change.payload).toMatchObject({
    change: 'number_changed',
    source: 'system',
    previous: { waId: CUSTOMER },
    current: { waId: '16505559999' },
  });
  return change.payload;
}

/** What a consumer must see for each fixture holding one customer message (or reaction). */
const expectations: Record<string, (events: InboundEvent[]) => void> = {
  'whatsapp-text.json': (events) => {
    const event = single(events, 'message');
    expect(event).toMatchObject({
      channel: 'whatsapp',
      account,
      contact: sheena,
      occurredAt: '2025-06-08T20:59:43.000Z', // "1749416383": a string of seconds
      receivedAt: RECEIVED_AT,
      payload: {
        type: 'text',
        text: 'Does it come in another color?',
        messageId: expect.stringMatching(/^wamid\./),
      },
    });
  },
  'whatsapp-image.json': (events) => {
    expect(message(events)).toMatchObject({
      type: 'image',
      media: {
        id: '2754859441498128',
        mimeType: 'image/jpeg',
        caption: 'This one, in green',
        url: expect.stringMatching(/^https:\/\/lookaside\.fbsbx\.com\//),
      },
    });
  },
  'whatsapp-audio-voice.json': (events) => {
    expect(message(events)).toMatchObject({
      type: 'audio',
      media: { id: '1003383421387256', mimeType: 'audio/ogg; codecs=opus', voice: true },
    });
  },
  'whatsapp-video.json': (events) => {
    expect(message(events)).toMatchObject({
      type: 'video',
      media: { id: '1166846181421424', caption: 'Unboxing' },
    });
  },
  'whatsapp-document.json': (events) => {
    expect(message(events)).toMatchObject({
      type: 'document',
      media: { id: '1200000000000001', filename: 'invoice-2025-06.pdf', mimeType: 'application/pdf' },
    });
  },
  'whatsapp-sticker-animated.json': (events) => {
    expect(message(events)).toMatchObject({
      type: 'sticker',
      media: { id: '1228223941404108', mimeType: 'image/webp', animated: true },
    });
  },
  'whatsapp-location.json': (events) => {
    expect(message(events)).toMatchObject({
      type: 'location',
      location: { latitude: 37.4611978, longitude: -122.2164385, name: 'Facebook HQ' },
    });
  },
  'whatsapp-contacts.json': (events) => {
    const payload = message(events);
    expect(payload.type).toBe('contacts');
    expect(payload.type === 'contacts' && payload.contacts[0]).toMatchObject({
      name: { formatted_name: 'Dr. Barbara J. Johnson Esq.' },
      phones: [{ wa_id: '14155550123' }, { type: 'HOME' }],
    });
  },
  'whatsapp-interactive-button-reply.json': (events) => {
    expect(message(events)).toMatchObject({
      type: 'interactive',
      interactive: { replyType: 'button_reply', id: 'confirm_yes', title: 'Yes, confirm' },
      replyTo: { messageId: expect.stringMatching(/^wamid\./), from: '15550783881' },
    });
  },
  'whatsapp-interactive-list-reply.json': (events) => {
    expect(message(events)).toMatchObject({
      type: 'interactive',
      interactive: {
        replyType: 'list_reply',
        id: 'slot_10am',
        title: '10:00 AM',
        description: 'Tomorrow, Menlo Park store',
      },
    });
  },
  'whatsapp-interactive-nfm-reply.json': (events) => {
    const payload = message(events);
    expect(payload).toMatchObject({
      type: 'interactive',
      interactive: { replyType: 'nfm_reply', body: 'Sent' },
    });
    const reply =
      payload.type === 'interactive' && payload.interactive.replyType === 'nfm_reply'
        ? payload.interactive
        : undefined;
    expect(JSON.parse(reply?.responseJson ?? 'null')).toMatchObject({
      flow_token: 'AQAAAAACS5FpgQ_cAAAAAD0QI3s.',
      delivery_rating: '4',
    });
  },
  'whatsapp-button.json': (events) => {
    expect(message(events)).toMatchObject({
      type: 'button',
      button: { text: 'Stop promotions', payload: 'STOP_PROMOS' },
    });
  },
  'whatsapp-reaction.json': (events) => {
    const event = single(events, 'reaction');
    expect(event).toMatchObject({ channel: 'whatsapp', account, contact: sheena });
    expect(event.payload).toEqual({
      messageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0PfAA==',
      emoji: '😀',
      action: 'react',
    });
  },
  'whatsapp-reaction-removed-empty.json': (events) => {
    expect(single(events, 'reaction').payload).toEqual({
      messageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0PfAA==',
      action: 'unreact',
    });
  },
  'whatsapp-reaction-removed-omitted.json': (events) => {
    expect(single(events, 'reaction').payload).toEqual({
      messageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0PfAA==',
      action: 'unreact',
    });
  },
  'whatsapp-order.json': (events) => {
    expect(message(events)).toMatchObject({
      type: 'order',
      order: {
        catalog_id: '354160437058781',
        product_items: [{ product_retailer_id: 'SKU-ALOE-01', item_price: 12.5 }, {}],
      },
    });
  },
  'whatsapp-system-user-changed-number.json': (events) => {
    // The system message as before, then the typed change that links the old and new numbers.
    expect(events.map((e) => e.kind)).toEqual(['message', 'contact_change']);
    const event = single([events[0] as InboundEvent], 'message');
    // No contacts[] on system webhooks: the contact has no name.
    expect(event.contact).toEqual({ id: CUSTOMER });
    expect(event.payload).toMatchObject({
      type: 'system',
      system: { type: 'user_changed_number', wa_id: '16505559999' },
    });
    expect(numberChange(events)).toMatchObject({ messageId: event.payload.messageId });
  },
  'whatsapp-system-user-changed-number-legacy.json': (events) => {
    expect(message([events[0] as InboundEvent])).toMatchObject({
      type: 'system',
      system: { wa_id: '16505559999', new_wa_id: '16505559999' },
    });
    numberChange(events);
  },
  'whatsapp-unsupported.json': (events) => {
    expect(message(events)).toMatchObject({
      type: 'unsupported',
      errors: [
        { code: 131051, title: 'Message type unknown', details: 'Message type is currently not supported.' },
      ],
    });
  },
  'whatsapp-reply-context.json': (events) => {
    expect(message(events)).toMatchObject({
      type: 'text',
      text: 'Yes, that one please',
      replyTo: {
        messageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0PmAA==',
        from: '15550783881',
      },
    });
  },
  'whatsapp-referred-product.json': (events) => {
    expect(message(events)).toMatchObject({
      type: 'text',
      text: 'Is this in stock?',
      referredProduct: { catalog_id: '354160437058781', product_retailer_id: 'SKU-ALOE-01' },
    });
  },
  'whatsapp-referral-ctwa.json': (events) => {
    expect(message(events)).toMatchObject({
      type: 'text',
      referral: {
        source_type: 'ad',
        source_id: '120226305854810726',
        ctwa_clid: expect.stringMatching(/^Aff-/),
      },
    });
  },
};

describe('WhatsApp message fixtures', () => {
  it('has expectations for every WhatsApp message fixture', () => {
    const names = webhookFixtureNames('whatsapp-').filter(
      (name) => !isWhatsAppChangeFixture(name) && !isWhatsApp2026Fixture(name),
    );
    expect(Object.keys(expectations).sort()).toEqual(names);
  });

  it.each(Object.entries(expectations))('%s', (name, check) => {
    check(normalizeFixture(name));
  });
});
