import type { InboundEvent, InboundEventOf } from '@omnistream/events';
import { describe, expect, it } from 'vitest';
import { normalizeFixture, single, webhookFixtureNames } from './test-support.ts';

const PAGE = '112233445566778';
const PSID = '6789012345678901';
const messenger = { channel: 'messenger', account: { id: PAGE }, contact: { id: PSID } };

function payloadOf<K extends InboundEvent['kind']>(
  events: InboundEvent[],
  kind: K,
): InboundEventOf<K>['payload'] {
  const event = single(events, kind);
  expect(event).toMatchObject(messenger);
  return event.payload as InboundEventOf<K>['payload'];
}

/** What a consumer must see for each Messenger fixture. */
const expectations: Record<string, (events: InboundEvent[]) => void> = {
  'messenger-text.json': (events) => {
    expect(payloadOf(events, 'message')).toMatchObject({
      type: 'text',
      text: 'hello, world! café 😀',
    });
  },
  'messenger-image.json': (events) => {
    expect(payloadOf(events, 'message')).toMatchObject({
      type: 'attachment',
      attachments: [{ type: 'image', url: expect.stringMatching(/^https:\/\/scontent\.xx\.fbcdn\.net\//) }],
    });
  },
  'messenger-sticker.json': (events) => {
    expect(payloadOf(events, 'message')).toMatchObject({
      type: 'attachment',
      attachments: [{ type: 'image', payload: { sticker_id: 369239263222822 } }],
    });
  },
  'messenger-fallback.json': (events) => {
    expect(payloadOf(events, 'message')).toMatchObject({
      type: 'attachment',
      text: 'https://www.example.com/product/42',
      attachments: [
        { type: 'fallback', url: 'https://www.example.com/product/42', title: 'Product 42 | Example Store' },
      ],
    });
  },
  'messenger-location-legacy.json': (events) => {
    expect(payloadOf(events, 'message')).toMatchObject({
      type: 'attachment',
      attachments: [
        {
          type: 'location',
          title: 'Pinned Location',
          url: expect.stringMatching(/^https:\/\/l\.facebook\.com\//),
          payload: { coordinates: { lat: 38.7223, long: -9.1393 } },
        },
      ],
    });
  },
  'messenger-quick-reply.json': (events) => {
    expect(payloadOf(events, 'message')).toMatchObject({
      type: 'text',
      text: 'Red',
      quickReply: { payload: 'COLOR_RED' },
    });
  },
  'messenger-reply-to.json': (events) => {
    expect(payloadOf(events, 'message')).toMatchObject({
      text: 'this one',
      replyTo: {
        messageId: 'm_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0A',
      },
    });
  },
  'messenger-echo.json': (events) => {
    expect(payloadOf(events, 'echo')).toMatchObject({
      type: 'text',
      text: "Thanks, we'll check!",
      appId: '1517776481860111', // a JSON number on the wire
      metadata: 'agent:42',
    });
  },
  'messenger-echo-template-standby.json': (events) => {
    expect(payloadOf(events, 'echo')).toMatchObject({
      type: 'attachment',
      appId: '263902037430900',
      attachments: [
        {
          type: 'template',
          url: 'https://www.facebook.com/commerce/update/',
          payload: { template_type: 'media' },
        },
      ],
    });
  },
  'messenger-standby.json': (events) => {
    expect(payloadOf(events, 'message')).toMatchObject({ type: 'text', text: 'Is anyone there?' });
    expect(events.every((e) => e.standby === true)).toBe(true);
  },
  'messenger-postback.json': (events) => {
    expect(payloadOf(events, 'postback')).toMatchObject({
      title: 'Get Started',
      payload: 'GET_STARTED',
    });
  },
  'messenger-read.json': (events) => {
    expect(payloadOf(events, 'seen')).toEqual({ watermark: 1749420100253 });
  },
  'messenger-delivery.json': (events) => {
    expect(payloadOf(events, 'delivery')).toEqual({
      mids: ['m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0H'],
      watermark: 1749420090123,
    });
  },
  'messenger-reaction.json': (events) => {
    expect(payloadOf(events, 'reaction')).toMatchObject({ emoji: '❤️', action: 'react' });
  },
  'messenger-optin.json': (events) => {
    expect(payloadOf(events, 'unsupported')).toEqual({
      type: 'optin',
      reason: 'Messenger messaging event optin is not normalized',
    });
  },
};

describe('Messenger fixtures', () => {
  it('has expectations for every Messenger fixture', () => {
    expect(Object.keys(expectations).sort()).toEqual(webhookFixtureNames('messenger-'));
  });

  it.each(Object.entries(expectations))('%s', (name, check) => {
    check(normalizeFixture(name));
  });
});
