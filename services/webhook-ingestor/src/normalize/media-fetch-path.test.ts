import type { InboundEvent, InboundEventOf } from '@omnistream/events';
import { describe, expect, it } from 'vitest';
import { fakeContext, fixture, normalize, single } from './test-support.ts';

/** `fetchPath` on inbound media (docs/events.md, "Media"): set by the EventSink, which knows the integration. */

const WA_PHONE = '106540352242922';
const PAGE = '112233445566778';
const IG_ACCOUNT = '17841405793187218';
const INTEGRATION = '6f1d8c1e-8a55-4b5e-9a57-3f2f4f0c6c11';
const known = fakeContext({
  [`whatsapp:${WA_PHONE}`]: INTEGRATION,
  [`messenger:${PAGE}`]: INTEGRATION,
  [`instagram:${IG_ACCOUNT}`]: INTEGRATION,
});

function messageOf(name: string, ctx = known): InboundEventOf<'message'> {
  return single(normalize(fixture(name), ctx).events, 'message');
}

function mediaOf(event: InboundEvent) {
  if (event.kind !== 'message' || !('media' in event.payload)) throw new Error(`${event.kind} has no media`);
  return event.payload.media;
}

function attachmentsOf(event: InboundEvent) {
  if (event.kind !== 'message' || event.payload.type !== 'attachment')
    throw new Error(`${event.kind} has no attachments`);
  return event.payload.attachments;
}

describe('fetchPath on inbound media', () => {
  it.each([
    ['whatsapp-image.json', 'image', '2754859441498128'],
    ['whatsapp-audio-voice.json', 'audio', '1003383421387256'],
    ['whatsapp-document.json', 'document', '1200000000000001'],
  ])('WhatsApp %s (%s): the gateway path of its media id, next to Meta’s id', (name, type, mediaId) => {
    const event = messageOf(name);
    expect(event.payload.type).toBe(type);
    expect(mediaOf(event)).toMatchObject({
      id: mediaId,
      fetchPath: `/admin/integrations/${INTEGRATION}/media/${mediaId}`,
    });
  });

  it('Messenger and Instagram images: the gateway path of the CDN URL, which stays in the event', () => {
    for (const name of ['messenger-image.json', 'instagram-image.json']) {
      const [attachment] = attachmentsOf(messageOf(name));
      expect(attachment?.type, name).toBe('image');
      const url = attachment?.url ?? '';
      expect(url, name).toMatch(/^https:\/\/(scontent\.xx\.fbcdn\.net|lookaside\.fbsbx\.com)\//);
      expect(attachment?.fetchPath, name).toBe(
        `/admin/integrations/${INTEGRATION}/attachments?url=${encodeURIComponent(url)}`,
      );
      // The query string of the CDN URL (its signature) cannot leak into the gateway path's own query.
      const query = new URLSearchParams(attachment?.fetchPath?.split('?')[1]);
      expect([...query.keys()], name).toEqual(['url']);
      expect(query.get('url'), name).toBe(url);
    }
  });

  it('encodes both path segments, so an id cannot reach another route', () => {
    const event = messageOf('whatsapp-image.json', fakeContext({ [`whatsapp:${WA_PHONE}`]: 'a/../b' }));
    expect(mediaOf(event).fetchPath).toBe('/admin/integrations/a%2F..%2Fb/media/2754859441498128');
    const body = fixture('whatsapp-image.json');
    const text = JSON.stringify(body).replace('"2754859441498128"', '"27548?x=1#y"');
    const odd = single(normalize(JSON.parse(text), known).events, 'message');
    expect(mediaOf(odd).fetchPath).toBe(`/admin/integrations/${INTEGRATION}/media/27548%3Fx%3D1%23y`);
  });

  it('is absent when the account matches no integration (integrationId null)', () => {
    const unknown = fakeContext();
    for (const name of ['whatsapp-image.json', 'whatsapp-audio-voice.json', 'whatsapp-document.json']) {
      const event = messageOf(name, unknown);
      expect(event.integrationId, name).toBeNull();
      expect(mediaOf(event).id, name).toBeDefined();
      expect(mediaOf(event), name).not.toHaveProperty('fetchPath');
    }
    for (const name of ['messenger-image.json', 'instagram-image.json']) {
      const [attachment] = attachmentsOf(messageOf(name, unknown));
      expect(attachment?.url, name).toBeDefined();
      expect(attachment, name).not.toHaveProperty('fetchPath');
    }
  });

  it('is absent on a shared link (`fallback`), which is a web page and not a file on Meta’s CDN', () => {
    const [attachment] = attachmentsOf(messageOf('messenger-fallback.json'));
    expect(attachment).toMatchObject({ type: 'fallback', url: 'https://www.example.com/product/42' });
    expect(attachment).not.toHaveProperty('fetchPath');
  });

  it('leaves messages without media as they were', () => {
    const text = messageOf('whatsapp-text.json');
    expect(text.integrationId).toBe(INTEGRATION);
    expect(JSON.stringify(text)).not.toContain('fetchPath');
  });
});
