import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { syntheticMediaSha256, syntheticMediaStream } from './media.ts';
import { boundaryOf, parseMultipart } from './multipart.ts';
import { PAGE, startTestSim, type TestSim, USER_A, WA } from './test-kit.ts';

const PSID = '6789012345678901';
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

let t: TestSim;
let receiver: Server;
let webhookUrl: string;
let received: string[] = [];
beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(Buffer.concat(chunks).toString('utf8'));
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  t = await startTestSim();
});
afterAll(async () => {
  await t.sim.stop();
  await new Promise((r) => receiver.close(r));
});
beforeEach(() => {
  t.sim.reset('all');
  received = [];
});

async function upload(path: string, form: FormData, token: string = WA.token) {
  const res = await fetch(`${t.sim.graphUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) };
}

function waForm(data: Buffer, type: string, filename = 'photo.jpg', product = 'whatsapp'): FormData {
  const form = new FormData();
  form.set('messaging_product', product);
  form.set('type', type);
  form.set('file', new Blob([data], { type }), filename);
  return form;
}

async function download(url: string, token: string | null = WA.token) {
  const res = await fetch(url, {
    redirect: 'manual',
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('multipart reader', () => {
  it('reads fields and a file whose name has quotes, unicode and a CRLF-escaped part', () => {
    const boundary = 'XyZ123';
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="r%22e\\s%0Aumé 📄.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
      ),
      Buffer.from([0, 13, 10, 45, 45, 255]),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const parts = parseMultipart(body, boundaryOf(`multipart/form-data; boundary=${boundary}`) as string);
    expect(parts?.map((p) => p.name)).toEqual(['a', 'file']);
    expect(parts?.[0]?.data.toString()).toBe('1');
    expect(parts?.[1]?.filename).toBe('r"e\\s\numé 📄.pdf');
    expect(parts?.[1]?.contentType).toBe('application/pdf');
    expect([...(parts?.[1]?.data ?? [])]).toEqual([0, 13, 10, 45, 45, 255]);
  });

  it('refuses a truncated body', () => {
    expect(parseMultipart(Buffer.from('--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1'), 'b')).toBe(
      undefined,
    );
  });
});

describe('WhatsApp media upload', () => {
  it('stores the file for the number, answers its id, serves it back, lists the upload, and a send can use the id', async () => {
    const data = Buffer.from('\xff\xd8 jpeg bytes', 'latin1');
    const up = await upload(`/${WA.phoneNumberId}/media`, waForm(data, 'image/jpeg', 'a "quoted" ñame.jpg'));
    expect(up.status).toBe(200);
    expect(up.json).toEqual({ id: expect.stringMatching(/^\d+$/) });

    const info = await t.get(`/${up.json.id}`);
    expect(info.json).toMatchObject({
      mime_type: 'image/jpeg',
      sha256: sha256(data),
      file_size: data.length,
    });
    const { res, bytes } = await download(info.json.url);
    expect(res.status).toBe(200);
    expect(bytes.equals(data)).toBe(true);

    const uploads = await t.control('GET', '/uploads');
    expect(uploads.json.uploads).toEqual([
      expect.objectContaining({
        kind: 'whatsapp',
        id: up.json.id,
        accountId: WA.phoneNumberId,
        filename: 'a "quoted" ñame.jpg',
        fileSize: data.length,
        tokenLast4: WA.token.slice(-4),
      }),
    ]);

    const send = await t.post(`/${WA.phoneNumberId}/messages`, {
      messaging_product: 'whatsapp',
      to: USER_A,
      type: 'image',
      image: { id: up.json.id },
    });
    expect(send.status).toBe(200);
    expect(t.sim.ledger.entries({ channel: 'whatsapp' })[0]?.body).toMatchObject({
      image: { id: up.json.id },
    });
  });

  it('refuses a token without the number, a wrong messaging_product, an unsupported type and a file over the limit', async () => {
    t.sim.accounts.addToken({ token: 'EAAGotherToken9999', accounts: [PAGE.pageId] });
    const data = Buffer.from('x');
    const foreign = await upload(
      `/${WA.phoneNumberId}/media`,
      waForm(data, 'image/jpeg'),
      'EAAGotherToken9999',
    );
    expect(foreign.status).toBe(400);
    expect(foreign.json.error.code).toBe(100);

    const product = await upload(
      `/${WA.phoneNumberId}/media`,
      waForm(data, 'image/jpeg', 'a.jpg', 'messenger'),
    );
    expect(product.json.error.message).toMatch(/messaging_product/);

    const type = await upload(`/${WA.phoneNumberId}/media`, waForm(data, 'image/gif', 'a.gif'));
    expect(type.status).toBe(400);
    expect(type.json.error.message).toMatch(/Param file must be a file with one of the following types/);

    const big = await upload(
      `/${WA.phoneNumberId}/media`,
      waForm(Buffer.alloc(5 * 1024 * 1024 + 1), 'image/png', 'big.png'),
    );
    expect(big.status).toBe(400);
    expect(big.json.error.code).toBe(131053);
    expect(big.json.error.error_data.details).toMatch(/5242880-byte limit for image\/png/);
    expect((await t.control('GET', '/uploads')).json.uploads).toEqual([]);
  });
});

describe('Messenger attachment upload', () => {
  it('answers an attachment_id (page id or me) that a send can reference, and records the upload', async () => {
    for (const path of [`/${PAGE.pageId}/message_attachments`, '/me/message_attachments']) {
      const form = new FormData();
      form.set('message', JSON.stringify({ attachment: { type: 'file', payload: { is_reusable: true } } }));
      form.set('filedata', new Blob(['%PDF-1.4'], { type: 'application/pdf' }), 'invoice.pdf');
      const up = await upload(path, form, PAGE.token);
      expect(up.status).toBe(200);
      expect(up.json).toEqual({ attachment_id: expect.stringMatching(/^\d+$/) });
      const send = await t.post(
        `/${PAGE.pageId}/messages`,
        {
          recipient: { id: PSID },
          messaging_type: 'RESPONSE',
          message: { attachment: { type: 'file', payload: { attachment_id: up.json.attachment_id } } },
        },
        { token: PAGE.token },
      );
      expect(send.status).toBe(200);
      const last = t.sim.ledger.entries({ channel: 'messenger' }).at(-1);
      expect(last?.body).toMatchObject({
        message: { attachment: { payload: { attachment_id: up.json.attachment_id } } },
      });
    }
    const uploads = (await t.control('GET', '/uploads')).json.uploads;
    expect(uploads.map((u: { kind: string; accountId: string }) => [u.kind, u.accountId])).toEqual([
      ['messenger', PAGE.pageId],
      ['messenger', PAGE.pageId],
    ]);
  });

  it('refuses a missing file and a bad attachment type', async () => {
    const noFile = new FormData();
    noFile.set('message', JSON.stringify({ attachment: { type: 'image', payload: { is_reusable: true } } }));
    expect(
      (await upload(`/${PAGE.pageId}/message_attachments`, noFile, PAGE.token)).json.error.message,
    ).toMatch(/filedata/);
    const badType = new FormData();
    badType.set('message', JSON.stringify({ attachment: { type: 'sticker', payload: {} } }));
    badType.set('filedata', new Blob(['x']), 'x.bin');
    expect((await upload(`/${PAGE.pageId}/message_attachments`, badType, PAGE.token)).status).toBe(400);
  });
});

describe('synthetic media, redirects and faults', () => {
  it('serves synthetic media of the given size with Content-Length and the hash a test can compute', async () => {
    const size = 3 * 1024 * 1024 + 17;
    const created = await t.control('POST', '/media', {
      mimeType: 'application/pdf',
      size,
      seed: 'big-doc',
      phoneNumberId: WA.phoneNumberId,
      filename: 'big.pdf',
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      fileSize: size,
      sha256: await syntheticMediaSha256('big-doc', size),
    });
    const info = await t.get(`/${created.json.id}`);
    const { res, bytes } = await download(info.json.url);
    expect(res.headers.get('content-length')).toBe(String(size));
    expect(bytes.length).toBe(size);
    expect(sha256(bytes)).toBe(created.json.sha256);
    // Same seed, same bytes; another seed, other bytes.
    const again: Buffer[] = [];
    for await (const c of syntheticMediaStream('big-doc', 1000)) again.push(c as Buffer);
    expect(Buffer.concat(again).equals(bytes.subarray(0, 1000))).toBe(true);
    expect(await syntheticMediaSha256('other', size)).not.toBe(created.json.sha256);
  });

  it('redirects /_media/:id when told to, and serves the bytes again once the redirect is cleared', async () => {
    const item = t.sim.media.add({ mimeType: 'image/png', data: 'png', phoneNumberId: WA.phoneNumberId });
    expect(
      (await t.control('POST', `/media/${item.id}/redirect`, { location: 'http://169.254.169.254/x' }))
        .status,
    ).toBe(200);
    const info = await t.get(`/${item.id}`);
    const redirected = await download(info.json.url);
    expect(redirected.res.status).toBe(302);
    expect(redirected.res.headers.get('location')).toBe('http://169.254.169.254/x');
    await t.control('POST', `/media/${item.id}/redirect`, { location: null });
    expect((await download(info.json.url)).bytes.toString()).toBe('png');
    expect((await t.control('POST', '/media/404404/redirect', { location: 'http://x/' })).status).toBe(404);
  });

  it('applies a 429 fault rule to media downloads', async () => {
    const item = t.sim.media.add({ mimeType: 'image/png', data: 'png', phoneNumberId: WA.phoneNumberId });
    const info = await t.get(`/${item.id}`);
    await t.control('POST', '/faults', {
      match: { pathPattern: '/_media/*' },
      action: { type: 'error', status: 429, code: 4, retryAfter: 9 },
      times: 1,
    });
    const throttled = await download(info.json.url);
    expect(throttled.res.status).toBe(429);
    expect(throttled.res.headers.get('retry-after')).toBe('9');
    expect(JSON.parse(throttled.bytes.toString()).error.code).toBe(4);
    expect((await download(info.json.url)).res.status).toBe(200);
  });
});

describe('CDN attachments', () => {
  it('serves an attachment at a signed URL without a token; expired → 403 "URL signature expired", tampered → 403', async () => {
    const created = await t.control('POST', '/attachments', {
      mimeType: 'image/jpeg',
      text: 'cdn-bytes',
      ttlMs: 60_000,
    });
    expect(created.status).toBe(201);
    expect(created.json.url).toMatch(/\/_cdn\/\w+\?_nc_cat=1&oh=00_[0-9a-f]+&oe=[0-9A-F]+$/);
    const ok = await download(created.json.url, null);
    expect(ok.res.status).toBe(200);
    expect(ok.res.headers.get('content-type')).toBe('image/jpeg');
    expect(ok.bytes.toString()).toBe('cdn-bytes');

    // One hex digit of the signature changed (always to another digit).
    const tamperedUrl = (created.json.url as string).replace(
      /oh=00_(.)/,
      (_m, c: string) => `oh=00_${c === '0' ? '1' : '0'}`,
    );
    expect(tamperedUrl).not.toBe(created.json.url);
    const tampered = await download(tamperedUrl, null);
    expect(tampered.res.status).toBe(403);

    t.clock.advance(61_000);
    const expired = await download(created.json.url, null);
    expect(expired.res.status).toBe(403);
    expect(expired.res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(expired.bytes.toString()).toBe('URL signature expired');
    // A fresh URL for the same attachment works again.
    expect((await download(t.sim.cdn.url(created.json.id), null)).res.status).toBe(200);
  });
});

describe('inbound media webhooks', () => {
  it('WhatsApp audio (voice), video, document (filename) and sticker messages reference media the simulator serves', async () => {
    t.sim.webhooks.configure({ webhookUrl, appSecret: t.sim.app.secret });
    const doc = t.sim.media.add({
      mimeType: 'application/pdf',
      data: '%PDF',
      phoneNumberId: WA.phoneNumberId,
      filename: 'invoice.pdf',
    });
    const messages = [
      { type: 'audio', mediaId: doc.id, mimeType: 'audio/ogg; codecs=opus', voice: true },
      { type: 'video', mediaId: doc.id, mimeType: 'video/mp4', caption: 'clip' },
      { type: 'document', mediaId: doc.id },
      { type: 'sticker', mediaId: doc.id, mimeType: 'image/webp', animated: true },
    ];
    for (const message of messages) {
      const answer = await t.control('POST', '/webhooks/inbound', {
        phoneNumberId: WA.phoneNumberId,
        customer: { waId: USER_A },
        message,
      });
      expect(answer.status).toBe(202);
    }
    await t.sim.webhooks.idle();
    const got = received.map((r) => JSON.parse(r).entry[0].changes[0].value.messages[0]);
    expect(got.map((m) => m.type)).toEqual(['audio', 'video', 'document', 'sticker']);
    expect(got[0].audio).toEqual({
      mime_type: 'audio/ogg; codecs=opus',
      sha256: expect.any(String),
      id: doc.id,
      voice: true,
    });
    expect(got[1].video).toMatchObject({ caption: 'clip', mime_type: 'video/mp4', id: doc.id });
    expect(got[2].document).toEqual({
      filename: 'invoice.pdf',
      mime_type: 'application/pdf',
      sha256: Buffer.from(doc.sha256, 'hex').toString('base64'),
      id: doc.id,
    });
    expect(got[3].sticker).toMatchObject({ mime_type: 'image/webp', animated: true, id: doc.id });
  });

  it('Messenger and Instagram messages carry CDN attachment URLs the simulator serves', async () => {
    t.sim.webhooks.configure({ webhookUrl, appSecret: t.sim.app.secret });
    const { url } = t.sim.cdn.add({ mimeType: 'audio/mp4', data: 'm4a' });
    for (const channel of ['messenger', 'instagram'] as const) {
      const answer = await t.control('POST', '/webhooks/inbound-messaging', {
        channel,
        accountId: PAGE.pageId,
        senderId: PSID,
        attachments: [{ type: 'audio', url }],
      });
      expect(answer.status).toBe(202);
    }
    await t.sim.webhooks.idle();
    const bodies = received.map((r) => JSON.parse(r));
    expect(bodies.map((b) => b.object)).toEqual(['page', 'instagram']);
    const message = bodies[0].entry[0].messaging[0].message;
    expect(message.attachments).toEqual([{ type: 'audio', payload: { url } }]);
    expect((await download(message.attachments[0].payload.url, null)).bytes.toString()).toBe('m4a');
  });
});
