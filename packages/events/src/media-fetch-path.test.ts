import { describe, expect, it } from 'vitest';
import { INBOUND_EXAMPLES } from './asyncapi-inbound-examples.ts';
import { InboundEventSchema } from './inbound-event.ts';
import { attachmentFetchPath, FetchPathSchema, mediaFetchPath } from './media-fetch-path.ts';
import { InboundAttachmentSchema, InboundMediaSchema } from './message-payload.ts';

describe('fetchPath: the gateway path that streams inbound media', () => {
  it('is relative, with both path segments encoded and the CDN URL as one query parameter', () => {
    expect(mediaFetchPath('int-1', '2754859441498128')).toBe(
      '/admin/integrations/int-1/media/2754859441498128',
    );
    expect(mediaFetchPath('a/b', '1?x#y')).toBe('/admin/integrations/a%2Fb/media/1%3Fx%23y');
    const url = 'https://scontent.xx.fbcdn.net/v/t1/448_n.jpg?_nc_cat=1&oh=00_AYB&oe=66A0';
    const path = attachmentFetchPath('int-1', url);
    expect(path.startsWith('/admin/integrations/int-1/attachments?url=')).toBe(true);
    expect(new URL(path, 'http://gateway.test').searchParams.get('url')).toBe(url);
    expect([...new URL(path, 'http://gateway.test').searchParams.keys()]).toEqual(['url']);
  });

  it('is accepted on media and attachments, and only as a path under /admin/integrations/', () => {
    const fetchPath = mediaFetchPath('int-1', '42');
    expect(InboundMediaSchema.parse({ id: '42', fetchPath })).toEqual({ id: '42', fetchPath });
    expect(InboundAttachmentSchema.parse({ type: 'image', fetchPath }).fetchPath).toBe(fetchPath);
    for (const bad of [
      'https://evil.example/admin/integrations/x/media/1',
      'admin/integrations/x',
      '/media/1',
      '',
    ])
      expect(FetchPathSchema.safeParse(bad).success, bad).toBe(false);
  });

  it('is additive: media without it still parses (events published before it, unknown integrations)', () => {
    expect(InboundMediaSchema.parse({ id: '42' })).toEqual({ id: '42' });
    expect(InboundAttachmentSchema.parse({ type: 'image', url: 'https://x.test/a.jpg' })).toEqual({
      type: 'image',
      url: 'https://x.test/a.jpg',
    });
  });

  it("the contract's image example carries the fetchPath of its integration and media id", () => {
    const image = INBOUND_EXAMPLES.map((example) => InboundEventSchema.parse(example.event)).find(
      (event) => event.kind === 'message' && event.payload.type === 'image',
    );
    if (image?.kind !== 'message' || !('media' in image.payload)) throw new Error('no image example');
    expect(image.integrationId).not.toBeNull();
    expect(image.payload.media.fetchPath).toBe(
      mediaFetchPath(image.integrationId ?? '', image.payload.media.id ?? ''),
    );
  });
});
