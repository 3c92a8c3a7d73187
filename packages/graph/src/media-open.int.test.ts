import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { MetaSim } from '@omnistream/meta-sim';
import { syntheticMediaSha256 } from '@omnistream/meta-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphError } from './errors.ts';
import type { GraphClient } from './graph-client.ts';
import { IG, PAGE, PSID, useSim, WA } from './sim-kit.ts';

let sim: MetaSim;
let client: GraphClient;
useSim((s, c) => {
  sim = s;
  client = c;
});

/** A server that is not Meta's: records what reached it, answers with `respond`. */
let other: Server;
let otherHost: string;
let hits: { url: string; headers: IncomingHttpHeaders }[] = [];
let respond: (res: ServerResponse) => void = (res) => res.end('internal data');
beforeAll(async () => {
  other = createServer((req, res) => {
    hits.push({ url: req.url ?? '', headers: req.headers });
    respond(res);
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  otherHost = `localhost:${(other.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => other.close(r)));

const META_HOSTS = ['*.fbcdn.net', 'lookaside.fbsbx.com'] as const;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function opened(mediaId: string, maxBytes = 200 * 1024 * 1024) {
  const info = await client.getMediaUrl({ mediaId, token: WA.token });
  return {
    info,
    media: await client.openMedia({ url: info.url, token: WA.token, maxBytes, allowedHosts: META_HOSTS }),
  };
}

describe('openMedia', () => {
  it('streams the exact bytes with Meta’s headers; a 20 MB synthetic document hashes to Meta’s sha256', async () => {
    const size = 20 * 1024 * 1024;
    const item = sim.media.add({
      mimeType: 'application/pdf',
      size,
      seed: 'doc',
      phoneNumberId: WA.phoneNumberId,
    });
    const { info, media } = await opened(item.id);
    expect(media.contentType).toBe('application/pdf');
    expect(media.contentLength).toBe(size);
    const hash = createHash('sha256');
    let n = 0;
    for await (const chunk of media.body) {
      hash.update(chunk as Buffer);
      n += (chunk as Buffer).length;
    }
    expect(n).toBe(size);
    expect(hash.digest('hex')).toBe(info.sha256);
    expect(info.sha256).toBe(await syntheticMediaSha256('doc', size));
  });

  it('refuses a redirect to a host outside the list without requesting it, and never sends the token elsewhere', async () => {
    const item = sim.media.add({ mimeType: 'image/png', data: 'png', phoneNumberId: WA.phoneNumberId });
    sim.media.redirect(item.id, `http://${otherHost}/latest/meta-data/`);
    hits = [];
    const err = (await opened(item.id).catch((e: unknown) => e)) as GraphError;
    expect(err).toMatchObject({
      errorCode: 'GRAPH_MEDIA_HOST_REFUSED',
      category: 'bad_request',
      retryable: false,
    });
    expect(err.message).toContain(otherHost);
    expect(err.message).not.toContain(WA.token);
    expect(err.message).not.toContain('?');
    expect(hits).toEqual([]);

    // Allowed by the list: followed, but without the token (another origin).
    respond = (res) => res.writeHead(200, { 'content-type': 'image/png' }).end('cdn-png');
    const allowed = await client.openMedia({
      url: (await client.getMediaUrl({ mediaId: item.id, token: WA.token })).url,
      token: WA.token,
      maxBytes: 1000,
      allowedHosts: [...META_HOSTS, otherHost],
    });
    expect((await readAll(allowed.body)).toString()).toBe('cdn-png');
    expect(hits).toHaveLength(1);
    expect(hits[0]?.headers.authorization).toBeUndefined();
    expect(hits[0]?.url).not.toContain('appsecret_proof');
  });

  it('refuses a first URL outside the list', async () => {
    hits = [];
    await expect(
      client.openMedia({
        url: `http://${otherHost}/x?sig=secret`,
        token: WA.token,
        maxBytes: 10,
        allowedHosts: META_HOSTS,
      }),
    ).rejects.toMatchObject({
      errorCode: 'GRAPH_MEDIA_HOST_REFUSED',
      message: expect.not.stringContaining('secret'),
    });
    expect(hits).toEqual([]);
  });

  it('an expired URL is GRAPH_MEDIA_URL_EXPIRED; a fresh lookup works', async () => {
    const item = sim.media.add({ mimeType: 'audio/ogg', data: 'ogg', phoneNumberId: WA.phoneNumberId });
    const { url } = await client.getMediaUrl({ mediaId: item.id, token: WA.token });
    sim.clock.advance(6 * 60 * 1000);
    await expect(
      client.openMedia({ url, token: WA.token, maxBytes: 100, allowedHosts: META_HOSTS }),
    ).rejects.toMatchObject({ errorCode: 'GRAPH_MEDIA_URL_EXPIRED', httpStatus: 404, retryable: false });
    const { media } = await opened(item.id);
    expect((await readAll(media.body)).toString()).toBe('ogg');
  });

  it('a refused token is the usual 190 error; throttling is retryable with retryAfterMs', async () => {
    const item = sim.media.add({ mimeType: 'image/png', data: 'png', phoneNumberId: WA.phoneNumberId });
    const { url } = await client.getMediaUrl({ mediaId: item.id, token: WA.token });
    await expect(
      client.openMedia({ url, token: 'EAAGunknownToken000', maxBytes: 100, allowedHosts: META_HOSTS }),
    ).rejects.toMatchObject({ code: 190, category: 'auth', httpStatus: 401 });
    sim.faults.add({
      match: { pathPattern: '/_media/*' },
      action: { type: 'error', status: 429, code: 4, retryAfter: 7 },
      times: 1,
    });
    await expect(
      client.openMedia({ url, token: WA.token, maxBytes: 100, allowedHosts: META_HOSTS }),
    ).rejects.toMatchObject({
      retryable: true,
      retryAfterMs: 7000,
    });
  });

  it('larger than maxBytes: refused before streaming when declared, the stream destroyed when not', async () => {
    const item = sim.media.add({
      mimeType: 'image/png',
      data: Buffer.alloc(5000),
      phoneNumberId: WA.phoneNumberId,
    });
    await expect(opened(item.id, 4999)).rejects.toMatchObject({ errorCode: 'GRAPH_MEDIA_TOO_LARGE' });

    // A host that does not declare a length (chunked).
    respond = (res) => {
      res.writeHead(200, { 'content-type': 'video/mp4' });
      res.write(Buffer.alloc(3000));
      res.end(Buffer.alloc(3000));
    };
    const media = await client.openMedia({
      url: `http://${otherHost}/v.mp4`,
      token: WA.token,
      maxBytes: 4000,
      allowedHosts: [otherHost],
    });
    expect(media.contentLength).toBeUndefined();
    await expect(readAll(media.body)).rejects.toMatchObject({ errorCode: 'GRAPH_MEDIA_TOO_LARGE' });
    expect(media.body.destroyed).toBe(true);
  });
});

describe('openAttachment', () => {
  it('streams a CDN attachment without a token; expired → GRAPH_ATTACHMENT_EXPIRED; other hosts refused', async () => {
    const { url } = sim.cdn.add({ mimeType: 'image/jpeg', data: 'jpeg-bytes', ttlMs: 60_000 });
    const media = await client.openAttachment({ url, maxBytes: 100, allowedHosts: META_HOSTS });
    expect(media.contentType).toBe('image/jpeg');
    expect((await readAll(media.body)).toString()).toBe('jpeg-bytes');
    sim.clock.advance(61_000);
    await expect(
      client.openAttachment({ url, maxBytes: 100, allowedHosts: META_HOSTS }),
    ).rejects.toMatchObject({
      errorCode: 'GRAPH_ATTACHMENT_EXPIRED',
      httpStatus: 403,
    });
    await expect(
      client.openAttachment({ url: `http://${otherHost}/a.jpg`, maxBytes: 100, allowedHosts: META_HOSTS }),
    ).rejects.toMatchObject({ errorCode: 'GRAPH_MEDIA_HOST_REFUSED' });
  });
});

describe('uploads', () => {
  it('uploads a streamed file to WhatsApp, then resolves and downloads the same bytes; quotes and unicode in the filename survive', async () => {
    const chunks = [Buffer.from('%PDF-1.7\r\n--'), Buffer.alloc(100_000, 7), Buffer.from('\r\n%%EOF')];
    const data = Buffer.concat(chunks);
    const filename = 'Fatura "março" 📄\\final.pdf';
    const { id } = await client.uploadWhatsappMedia({
      phoneNumberId: WA.phoneNumberId,
      token: WA.token,
      mimeType: 'application/pdf',
      filename,
      body: Readable.from(chunks),
    });
    expect(sim.media.uploads()).toEqual([
      expect.objectContaining({
        kind: 'whatsapp',
        id,
        filename,
        fileSize: data.length,
        mimeType: 'application/pdf',
      }),
    ]);
    const { info, media } = await opened(id);
    expect(info.sha256).toBe(sha256(data));
    expect((await readAll(media.body)).equals(data)).toBe(true);
  });

  it('maps Meta’s refusal of an upload (unsupported type) to a GraphError without the token', async () => {
    const err = (await client
      .uploadWhatsappMedia({
        phoneNumberId: WA.phoneNumberId,
        token: WA.token,
        mimeType: 'image/gif',
        filename: 'a.gif',
        body: Readable.from([Buffer.from('GIF89a')]),
      })
      .catch((e: unknown) => e)) as GraphError;
    expect(err).toMatchObject({
      code: 100,
      retryable: false,
      endpoint: `POST /v21.0/${WA.phoneNumberId}/media`,
    });
    expect(err.message).not.toContain(WA.token);
  });

  it('uploads a Messenger attachment (page id or me) and a send by attachment_id reaches the ledger', async () => {
    for (const pageId of [PAGE.pageId, undefined]) {
      const { attachmentId } = await client.uploadMessengerAttachment({
        host: 'graph',
        ...(pageId ? { pageId } : {}),
        token: PAGE.token,
        type: 'image',
        mimeType: 'image/png',
        filename: 'logo.png',
        body: (async function* () {
          yield Buffer.from('png-bytes');
        })(),
      });
      expect(attachmentId).toMatch(/^\d+$/);
      expect(sim.media.get(attachmentId)?.data?.toString()).toBe('png-bytes');
      await client.sendMessenger({
        pageId: PAGE.pageId,
        token: PAGE.token,
        recipientId: PSID,
        messagingType: 'RESPONSE',
        message: { type: 'attachment', attachmentType: 'image', attachmentId },
      });
      expect(sim.ledger.entries({ channel: 'messenger' }).at(-1)?.body).toMatchObject({
        message: { attachment: { payload: { attachment_id: attachmentId } } },
      });
    }
  });

  it('Instagram through its Facebook Page uploads on the Page with platform=instagram', async () => {
    const { attachmentId } = await client.uploadMessengerAttachment({
      host: 'graph',
      pageId: PAGE.pageId,
      platform: 'instagram',
      token: PAGE.token,
      type: 'video',
      mimeType: 'video/mp4',
      filename: 'clip.mp4',
      body: Readable.from([Buffer.from('mp4')]),
    });
    expect(sim.media.uploads()).toEqual([
      expect.objectContaining({ kind: 'instagram', id: attachmentId, accountId: PAGE.pageId, type: 'video' }),
    ]);
  });

  it('Instagram Login accounts cannot upload: GRAPH_UPLOAD_UNSUPPORTED before anything is sent', async () => {
    await expect(
      client.uploadMessengerAttachment({
        host: 'instagram',
        token: IG.token,
        type: 'image',
        mimeType: 'image/png',
        filename: 'a.png',
        body: Readable.from([Buffer.from('x')]),
      }),
    ).rejects.toMatchObject({ errorCode: 'GRAPH_UPLOAD_UNSUPPORTED', retryable: false });
    expect(sim.media.uploads()).toEqual([]);
  });
});
