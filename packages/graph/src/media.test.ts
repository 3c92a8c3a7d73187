import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpenedMedia } from './media-open.ts';
import { clientFor, type FakeGraph, startFakeGraph } from './test-kit.ts';

/** The whole body of an opened download (these files are small). */
async function bytesOf(opened: OpenedMedia): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of opened.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const TOKEN = 'EAAGm0PX4ZCpsBAKZC7sExampleSystemUserToken0001';

let fake: FakeGraph;
beforeEach(async () => {
  fake = await startFakeGraph();
});
afterEach(async () => {
  await fake.close();
});

describe('media', () => {
  it('looks up the media URL', async () => {
    fake.handle(() => ({
      json: {
        url: `${fake.origin}/media/1003383421387256?ext=1&hash=ATtx`,
        mime_type: 'audio/ogg',
        sha256: '9b5a1c2d',
        file_size: 61901,
        id: '1003383421387256',
        messaging_product: 'whatsapp',
      },
    }));
    const client = clientFor(fake);
    const info = await client.getMediaUrl({ mediaId: '1003383421387256', token: TOKEN });
    await client.close();
    expect(info).toStrictEqual({
      id: '1003383421387256',
      url: `${fake.origin}/media/1003383421387256?ext=1&hash=ATtx`,
      mimeType: 'audio/ogg',
      sha256: '9b5a1c2d',
      fileSize: 61901,
    });
    expect(fake.requests[0]?.path).toBe('/v21.0/1003383421387256');
  });

  it('downloads with the Bearer token and keeps the URL query intact', async () => {
    const bytes = Buffer.alloc(4096, 7);
    fake.handle(() => ({
      status: 200,
      headers: { 'content-type': 'image/jpeg' },
      text: bytes.toString('latin1'),
    }));
    const client = clientFor(fake);
    const media = await client.openMedia({
      url: `${fake.origin}/media/1?ext=1&hash=ATtx`,
      token: TOKEN,
      maxBytes: 10_000,
      allowedHosts: [],
    });
    const data = await bytesOf(media);
    await client.close();
    expect(data.length).toBe(4096);
    expect(media.contentType).toBe('image/jpeg');
    expect(data.equals(bytes)).toBe(true);
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(fake.requests[0]?.url).toBe('/media/1?ext=1&hash=ATtx');
  });

  it('refuses media over the cap, announced or streamed', async () => {
    const client = clientFor(fake);
    fake.handle(() => ({ headers: { 'content-length': '2000' }, text: 'x'.repeat(2000) }));
    await expect(
      client.openMedia({ url: `${fake.origin}/m`, token: TOKEN, maxBytes: 1000, allowedHosts: [] }),
    ).rejects.toMatchObject({
      errorCode: 'GRAPH_MEDIA_TOO_LARGE',
      retryable: false,
    });
    // No content-length: the cap is enforced while reading.
    fake.handle(() => ({ headers: { 'transfer-encoding': 'chunked' }, text: 'y'.repeat(50_000) }));
    const streamed = await client.openMedia({
      url: `${fake.origin}/m`,
      token: TOKEN,
      maxBytes: 1000,
      allowedHosts: [],
    });
    await expect(bytesOf(streamed)).rejects.toMatchObject({
      errorCode: 'GRAPH_MEDIA_TOO_LARGE',
    });
    await client.close();
  });

  it('follows a redirect to another allowed host without the token', async () => {
    const cdn = await startFakeGraph(() => ({ text: 'file-bytes' }));
    fake.handle(() => ({ status: 302, headers: { location: `${cdn.origin}/v/t1?x=1` } }));
    const client = clientFor(fake);
    const media = await client.openMedia({
      url: `${fake.origin}/media/1`,
      token: TOKEN,
      maxBytes: 1000,
      allowedHosts: [new URL(cdn.origin).host],
    });
    const data = await bytesOf(media);
    await client.close();
    await cdn.close();
    expect(data.toString()).toBe('file-bytes');
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(cdn.requests[0]?.url).toBe('/v/t1?x=1');
    expect(cdn.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('maps an expired media URL answer to GRAPH_MEDIA_URL_EXPIRED (resolve the id again)', async () => {
    fake.handle(() => ({
      status: 404,
      json: {
        error: {
          message: 'Media not found',
          type: 'OAuthException',
          code: 100,
          error_subcode: 33,
          fbtrace_id: 'x',
        },
      },
    }));
    const client = clientFor(fake);
    await expect(
      client.openMedia({ url: `${fake.origin}/m`, token: TOKEN, maxBytes: 1000, allowedHosts: [] }),
    ).rejects.toMatchObject({
      errorCode: 'GRAPH_MEDIA_URL_EXPIRED',
      httpStatus: 404,
      retryable: false,
    });
    await client.close();
  });
});
