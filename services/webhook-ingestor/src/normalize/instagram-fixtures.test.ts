import type { InboundEvent, InboundEventOf } from '@omnistream/events';
import { describe, expect, it } from 'vitest';
import { normalizeFixture, single, webhookFixtureNames } from './test-support.ts';

const IG = '17841405793187218';
const IGSID = '1129842642640637';
const ig = { channel: 'instagram', account: { id: IG }, contact: { id: IGSID } };

function payloadOf<K extends InboundEvent['kind']>(
  events: InboundEvent[],
  kind: K,
): InboundEventOf<K>['payload'] {
  const event = single(events, kind);
  expect(event).toMatchObject(ig);
  return event.payload as InboundEventOf<K>['payload'];
}

/** What a consumer must see for each Instagram fixture. */
const expectations: Record<string, (events: InboundEvent[]) => void> = {
  'instagram-text.json': (events) => {
    const event = single(events, 'message');
    expect(event).toMatchObject({ ...ig, occurredAt: '2024-12-12T10:07:43.523Z' }); // ms timestamp
    expect(event.payload).toMatchObject({
      type: 'text',
      text: 'Hi! Do you ship to Lisbon?',
      messageId: expect.stringMatching(/^aWdf/),
    });
  },
  'instagram-image.json': (events) => {
    expect(payloadOf(events, 'message')).toMatchObject({
      type: 'attachment',
      attachments: [
        { type: 'image', url: expect.stringMatching(/^https:\/\/lookaside\.fbsbx\.com\/ig_messaging_cdn\//) },
      ],
    });
  },
  'instagram-ig-reel.json': (events) => {
    expect(payloadOf(events, 'message')).toMatchObject({
      type: 'attachment',
      attachments: [
        {
          type: 'ig_reel',
          title: 'Moving past doubt #startup',
          url: expect.stringContaining('asset_id=17873858025351922'),
          payload: { reel_video_id: '17873858025351922' },
        },
      ],
    });
  },
  'instagram-share-ig-post.json': (events) => {
    const payload = payloadOf(events, 'message');
    expect(payload.type === 'attachment' && payload.attachments.map((a) => a.type)).toEqual([
      'share',
      'ig_post',
    ]);
    expect(payload).toMatchObject({
      attachments: [{}, { payload: { ig_post_media_id: '18139494541428835' } }],
    });
  },
  'instagram-story-mention.json': (events) => {
    expect(payloadOf(events, 'message')).toMatchObject({
      type: 'attachment',
      attachments: [{ type: 'story_mention', url: expect.stringContaining('asset_id=17958541324774999') }],
    });
  },
  'instagram-story-reply.json': (events) => {
    const payload = payloadOf(events, 'message');
    expect(payload).toMatchObject({
      type: 'text',
      text: 'Love this look!',
      replyToStory: { id: '17958541324774936', url: expect.stringContaining('asset_id=17958541324774936') },
    });
    expect(payload.replyTo).toBeUndefined();
  },
  'instagram-reply-to.json': (events) => {
    expect(payloadOf(events, 'message')).toMatchObject({
      type: 'text',
      text: 'Yes, the blue one',
      replyTo: { messageId: expect.stringMatching(/FZDZD$/) },
    });
  },
  'instagram-quick-reply.json': (events) => {
    expect(payloadOf(events, 'message')).toMatchObject({
      type: 'text',
      text: 'Track my order',
      quickReply: { payload: 'TRACK_ORDER' },
    });
  },
  'instagram-referral-ads.json': (events) => {
    expect(payloadOf(events, 'message')).toMatchObject({
      type: 'text',
      text: 'Is this still available?',
      referral: { ref: 'summer_campaign', ad_id: '120210987654321098', source: 'ADS', type: 'OPEN_THREAD' },
    });
  },
  'instagram-echo.json': (events) => {
    // sender = the business, recipient = the customer: the contact is the customer.
    expect(payloadOf(events, 'echo')).toMatchObject({
      type: 'text',
      text: 'Olá, obrigado pelo contato 🥰',
    });
  },
  'instagram-deleted.json': (events) => {
    expect(payloadOf(events, 'unsupported')).toMatchObject({
      type: 'is_deleted',
      reason: expect.stringContaining('was deleted (unsent) by the customer'),
    });
  },
  'instagram-unsupported.json': (events) => {
    expect(payloadOf(events, 'message')).toMatchObject({ type: 'unsupported' });
  },
  'instagram-postback.json': (events) => {
    expect(payloadOf(events, 'postback')).toEqual({
      mid: expect.stringMatching(/^aWdf/),
      title: 'Get Started',
      payload: 'GET_STARTED',
    });
  },
  'instagram-read.json': (events) => {
    expect(payloadOf(events, 'seen')).toEqual({ mid: expect.stringMatching(/KZDZD$/) });
  },
  'instagram-reaction.json': (events) => {
    expect(payloadOf(events, 'reaction')).toEqual({
      messageId: expect.stringMatching(/KZDZD$/),
      emoji: '❤️',
      action: 'react',
    });
  },
  'instagram-reaction-unreact.json': (events) => {
    expect(payloadOf(events, 'reaction')).toEqual({
      messageId: expect.stringMatching(/KZDZD$/),
      action: 'unreact',
    });
  },
  'instagram-test-changes.json': (events) => {
    const event = single(events, 'message');
    // The dashboard's test shape: changes[] with entry.id "0", a seconds string timestamp and a fixed mid.
    expect(event).toMatchObject({
      channel: 'instagram',
      account: { id: '0' },
      contact: { id: '12334' },
      occurredAt: '2018-05-27T22:23:44.000Z',
      payload: { type: 'text', text: 'random_text', messageId: 'random_mid' },
    });
  },
};

describe('Instagram fixtures', () => {
  it('has expectations for every Instagram fixture', () => {
    expect(Object.keys(expectations).sort()).toEqual(webhookFixtureNames('instagram-'));
  });

  it.each(Object.entries(expectations))('%s', (name, check) => {
    check(normalizeFixture(name));
  });
});
