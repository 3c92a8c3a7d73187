import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useTestDatabase } from '@omnistream/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type GatewayWorld,
  messengerIntegration,
  startGatewayWorld,
  whatsAppIntegration,
} from './harness.ts';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('media through the gateway (real PostgreSQL, broker and meta-sim over HTTP)', () => {
  const db = useTestDatabase();
  let world: GatewayWorld;
  let wa: Awaited<ReturnType<typeof whatsAppIntegration>>;
  let page: Awaited<ReturnType<typeof messengerIntegration>>;
  let gatewayUrl: string;

  beforeAll(async () => {
    world = await startGatewayWorld(db.pool);
    wa = await whatsAppIntegration(world);
    page = await messengerIntegration(world);
    // Real HTTP for what inject cannot show: a cut connection, a multipart upload.
    gatewayUrl = await world.gateway.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => world?.stop());

  /** An admin GET whose body is bytes, not JSON. */
  /** Every answer's headers and JSON body, to check that no token ever appears in one. */
  const answers: string[] = [];
  const tokensUsed: string[] = [];
  const download = async (url: string, headers: Record<string, string> = {}) => {
    const res = await world.gateway.app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${world.adminKey}`, ...headers },
    });
    // biome-ignore lint/suspicious/noExplicitAny: tests read response fields directly and assert them
    let body: any;
    try {
      body = res.json();
    } catch {
      body = undefined;
    }
    answers.push(JSON.stringify(res.headers), body === undefined ? '' : res.body);
    return { status: res.statusCode, headers: res.headers, bytes: res.rawPayload, text: res.body, body };
  };
  const mediaPath = (mediaId: string, integrationId = wa.integration.id) =>
    `/admin/integrations/${integrationId}/media/${mediaId}`;
  /** A picture the customer sent: meta-sim holds it for the number, as Meta does. */
  const customerPicture = (bytes = 200_000) => {
    const data = randomBytes(bytes);
    const item = world.sim.media.add({ mimeType: 'image/jpeg', data, phoneNumberId: wa.phoneNumberId });
    return { id: item.id, data };
  };

  it("streams a customer's WhatsApp image byte for byte, with its type, size, name and Meta's sha256 as ETag", async () => {
    const picture = customerPicture();
    const res = await download(mediaPath(picture.id));
    expect(res.status, res.text).toBe(200);
    const body = res.bytes;
    expect(sha256(body)).toBe(sha256(picture.data));
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['content-length']).toBe(String(picture.data.length));
    expect(res.headers.etag).toBe(`"${sha256(picture.data)}"`);
    expect(res.headers['content-disposition']).toBe(`inline; filename="${picture.id}.jpg"`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain('sandbox');
    // The CRM's cached copy is current: nothing is downloaded again.
    const again = await download(mediaPath(picture.id), { 'if-none-match': res.headers.etag as string });
    expect(again.status).toBe(304);
    expect(again.bytes.length).toBe(0);
    const metrics = await world.gateway.registry.metrics();
    expect(metrics).toContain(
      `omnistream_gateway_media_bytes_total{direction="download",channel="whatsapp",service="api-gateway"} ${picture.data.length}`,
    );
  });

  it('names a document as asked, and never shows an HTML file inline', async () => {
    const html = Buffer.from('<script>alert(1)</script>');
    const item = world.sim.media.add({ mimeType: 'text/html', data: html, phoneNumberId: wa.phoneNumberId });
    const res = await download(`${mediaPath(item.id)}?filename=${encodeURIComponent('Factura marzo.html')}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="Factura marzo.html"');
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
  });

  it("answers 404 with Meta's reason for a media id Meta does not know", async () => {
    const res = await download(mediaPath('1234567890123456'));
    expect(res.status, res.text).toBe(404);
    expect(res.body.error.code).toBe('GW_NOT_FOUND');
    expect(res.body.error.message).toMatch(/Meta has no such media/);
    expect(res.body.error.meta.code).toBe(100);
  });

  it('refuses what is not a media id, and an integration that does not exist', async () => {
    expect((await download(mediaPath('../../me'))).status).toBe(400);
    expect((await download(mediaPath('123', '00000000-0000-4000-8000-000000000000'))).status).toBe(404);
  });

  it("resolves Meta's short-lived URL again once it has expired", async () => {
    const picture = customerPicture(10_000);
    expect((await download(mediaPath(picture.id))).status).toBe(200);
    // Meta's URL lives 5 minutes; the gateway still holds the first one.
    world.sim.clock.advance(6 * 60 * 1000);
    const res = await download(mediaPath(picture.id));
    expect(res.status, res.text).toBe(200);
    expect(sha256(res.bytes)).toBe(sha256(picture.data));
    expect(world.logs.some((l) => l.includes('media URL expired; resolving it again'))).toBe(true);
  });

  it('uses a rotated token at once, without a restart', async () => {
    const picture = customerPicture(5_000);
    const newToken = `EAAG${randomBytes(24).toString('hex')}`;
    tokensUsed.push(wa.token);
    world.sim.accounts.rotateToken(wa.token, newToken);
    const rotated = await world.call('PUT', `/admin/integrations/${wa.integration.id}/token`, {
      token: newToken,
    });
    expect(rotated.status, rotated.text).toBe(200);
    const res = await download(mediaPath(picture.id));
    expect(res.status, res.text).toBe(200);
    expect(sha256(res.bytes)).toBe(sha256(picture.data));
    wa.token = newToken;
  });

  it("answers 502 naming the integration's token when Meta refuses it, without showing it", async () => {
    // A number of its own: its token is revoked at Meta while the gateway still holds it.
    const other = await whatsAppIntegration(world);
    tokensUsed.push(other.token);
    const item = world.sim.media.add({
      mimeType: 'image/png',
      data: randomBytes(500),
      phoneNumberId: other.phoneNumberId,
    });
    world.sim.accounts.revokeToken(other.token);
    const res = await download(mediaPath(item.id, other.integration.id));
    expect(res.status, res.text).toBe(502);
    expect(res.body.error.code).toBe('GW_UPSTREAM');
    expect(res.body.error.message).toMatch(/integration's token is invalid or expired/);
    expect(res.body.error.meta.code).toBe(190);
  });

  it('answers 503 with Retry-After when Meta throttles', async () => {
    const picture = customerPicture(1_000);
    world.sim.faults.add({
      match: { method: 'GET', pathPattern: `/v21.0/${picture.id}` },
      action: { type: 'error', status: 429, code: 4, retryAfter: 7 },
      times: 1,
    });
    const res = await download(mediaPath(picture.id));
    expect(res.status, res.text).toBe(503);
    expect(res.headers['retry-after']).toBe('7');
  });

  it('never follows a redirect to a host outside MEDIA_ALLOWED_HOSTS, and makes no request to it', async () => {
    let hits = 0;
    const elsewhere = createServer((_req, res) => {
      hits++;
      res.end('internal data');
    });
    await new Promise<void>((r) => elsewhere.listen(0, '127.0.0.1', r));
    try {
      const picture = customerPicture(1_000);
      const { port } = elsewhere.address() as AddressInfo;
      world.sim.media.redirect(picture.id, `http://localhost:${port}/latest/meta-data/`);
      const res = await download(mediaPath(picture.id));
      expect(res.status, res.text).toBe(502);
      expect(res.body.error.message).toMatch(/localhost/);
      expect(res.body.error.message).toMatch(/MEDIA_ALLOWED_HOSTS/);
      expect(hits).toBe(0);
    } finally {
      elsewhere.close();
    }
  });

  it('answers 413 without downloading media larger than MEDIA_MAX_BYTES', async () => {
    // 101 MiB that meta-sim generates as it streams: nothing that size is held anywhere.
    const big = world.sim.media.add({
      mimeType: 'video/mp4',
      size: 101 * 1024 * 1024,
      phoneNumberId: wa.phoneNumberId,
    });
    const res = await download(mediaPath(big.id));
    expect(res.status, res.text).toBe(413);
    expect(res.body.error.message).toMatch(/MEDIA_MAX_BYTES/);
  });

  it("cuts the response before its last bytes when they do not match Meta's sha256, and logs it", async () => {
    const picture = customerPicture(300_000);
    // Meta's record of the file says other bytes.
    const item = world.sim.media.get(picture.id);
    if (!item) throw new Error('no media');
    item.sha256 = sha256(Buffer.from('something else'));
    const res = await fetch(`${gatewayUrl}${mediaPath(picture.id)}`, {
      headers: { authorization: `Bearer ${world.adminKey}` },
    });
    expect(res.status).toBe(200);
    // The body never completes: the client cannot mistake it for the file.
    await expect(res.arrayBuffer()).rejects.toThrow();
    expect(world.logs.some((l) => l.includes("media did not match Meta's sha256"))).toBe(true);
    const metrics = await world.gateway.registry.metrics();
    expect(metrics).toMatch(
      /omnistream_gateway_media_errors_total\{reason="sha256_mismatch",service="api-gateway"\} 1/,
    );
  });

  describe('Messenger and Instagram attachments by their CDN URL', () => {
    const attachmentsPath = (url: string) =>
      `/admin/integrations/${page.integration.id}/attachments?url=${encodeURIComponent(url)}`;

    it("streams an attachment from Meta's CDN byte for byte", async () => {
      const data = randomBytes(50_000);
      const { url } = world.sim.cdn.add({ mimeType: 'image/png', data });
      const res = await download(attachmentsPath(url));
      expect(res.status, res.text).toBe(200);
      expect(sha256(res.bytes)).toBe(sha256(data));
      expect(res.headers['content-type']).toBe('image/png');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    });

    it('says 410 when the CDN URL has expired', async () => {
      const { url } = world.sim.cdn.add({ mimeType: 'image/png', data: randomBytes(100), ttlMs: 60_000 });
      world.sim.clock.advance(2 * 60_000);
      const res = await download(attachmentsPath(url));
      expect(res.status, res.text).toBe(410);
      expect(res.body.error.code).toBe('GW_GONE');
    });

    it("fetches nothing from a host that is not Meta's", async () => {
      const res = await download(attachmentsPath('http://169.254.169.254/latest/meta-data/'));
      expect(res.status, res.text).toBe(502);
      expect(res.body.error.message).toMatch(/169\.254\.169\.254/);
      const notUrl = await download(
        `/admin/integrations/${page.integration.id}/attachments?url=file%3A%2F%2F%2Fetc%2Fpasswd`,
      );
      expect(notUrl.status).toBe(400);
    });
  });

  describe('upload', () => {
    const upload = async (integrationId: string, data: Buffer, type: string, name: string) => {
      const form = new FormData();
      form.append('file', new Blob([data], { type }), name);
      const res = await fetch(`${gatewayUrl}/admin/integrations/${integrationId}/media`, {
        method: 'POST',
        headers: { authorization: `Bearer ${world.adminKey}` },
        body: form,
      });
      const text = await res.text();
      answers.push(text);
      // biome-ignore lint/suspicious/noExplicitAny: tests read response fields directly and assert them
      return { status: res.status, body: JSON.parse(text) as any };
    };

    it('uploads a WhatsApp document to the number and answers its media id, which downloads back the same', async () => {
      const data = randomBytes(400_000);
      const res = await upload(wa.integration.id, data, 'application/pdf', 'Catálogo 2027.pdf');
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({
        kind: 'whatsapp_media_id',
        channel: 'whatsapp',
        mimeType: 'application/pdf',
        bytes: data.length,
      });
      const atMeta = world.sim.media.uploads().find((u) => u.id === res.body.id);
      expect(atMeta).toMatchObject({
        kind: 'whatsapp',
        accountId: wa.phoneNumberId,
        sha256: sha256(data),
        filename: 'Catálogo 2027.pdf',
      });
      const back = await download(mediaPath(res.body.id));
      expect(sha256(back.bytes)).toBe(sha256(data));
    });

    it('uploads a Messenger attachment and answers its reusable attachment id', async () => {
      const data = randomBytes(30_000);
      const res = await upload(page.integration.id, data, 'image/jpeg', 'photo.jpg');
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({ kind: 'attachment_id', channel: 'messenger', bytes: data.length });
      expect(world.sim.media.uploads().find((u) => u.id === res.body.id)).toMatchObject({
        kind: 'messenger',
        accountId: page.pageId,
        sha256: sha256(data),
      });
    });

    it("refuses a type WhatsApp does not take, and a file over its type's limit, uploading nothing", async () => {
      const before = world.sim.media.uploads().length;
      const exe = await upload(wa.integration.id, randomBytes(100), 'application/x-msdownload', 'setup.exe');
      expect(exe.status).toBe(400);
      expect(exe.body.error.message).toMatch(/WhatsApp does not take application\/x-msdownload/);
      // A sticker is at most 100 KB (500 KB animated): 600 KB is over either.
      const sticker = await upload(wa.integration.id, randomBytes(600 * 1024), 'image/webp', 'big.webp');
      expect(sticker.status, JSON.stringify(sticker.body)).toBe(413);
      expect(sticker.body.error.message).toMatch(/at most \d+ bytes/);
      expect(world.sim.media.uploads().length).toBe(before);
    });

    it('tells an Instagram (Instagram Login) integration that Meta has no upload for it', async () => {
      const igUserId = `17841${randomBytes(5).readUIntBE(0, 5)}`;
      const token = `IGAA${randomBytes(24).toString('hex')}`;
      tokensUsed.push(token);
      world.sim.accounts.addInstagramAccount({ igUserId, tokens: [token] });
      const ig = await world.gateway.integrations.create({
        channel: 'instagram',
        igUserId,
        token,
        tokenType: 'instagram_user',
      });
      const res = await upload(ig.id, randomBytes(1_000), 'image/jpeg', 'a.jpg');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/no attachment upload at Meta.*link/);
    });

    it('answers 415 for a body that is not multipart, and 400 without a file part', async () => {
      const json = await world.call('POST', `/admin/integrations/${wa.integration.id}/media`, { file: 'x' });
      expect(json.status).toBe(415);
      const form = new FormData();
      form.append('note', 'no file here');
      const res = await fetch(`${gatewayUrl}/admin/integrations/${wa.integration.id}/media`, {
        method: 'POST',
        headers: { authorization: `Bearer ${world.adminKey}` },
        body: form,
      });
      expect(res.status).toBe(400);
    });
  });

  // Last: every test above has run, successes and refusals alike.
  it('never put a token in a log line or an answer', () => {
    tokensUsed.push(wa.token, page.token);
    expect(answers.length).toBeGreaterThan(20);
    for (const token of tokensUsed) {
      expect(world.logs.join('\n')).not.toContain(token);
      expect(answers.join('\n')).not.toContain(token);
    }
  });
});
