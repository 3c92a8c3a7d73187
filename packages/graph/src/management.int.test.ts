import type { MetaSim } from '@omnistream/meta-sim';
import { describe, expect, it } from 'vitest';
import type { GraphClient } from './graph-client.ts';
import { IG, useSim, WA } from './sim-kit.ts';

let sim: MetaSim;
let client: GraphClient;
useSim((s, c) => {
  sim = s;
  client = c;
});

describe('templates', () => {
  it('lists every template across pages, then finds the one it created', async () => {
    for (let i = 0; i < 7; i++) {
      sim.templates.add(WA.wabaId, {
        name: `promo_${i}`,
        language: i % 2 === 0 ? 'en_US' : 'pt_BR',
        category: 'MARKETING',
        status: 'APPROVED',
        components: [{ type: 'BODY', text: `Offer ${i}` }],
      });
    }
    const listed = await client.listTemplates({ wabaId: WA.wabaId, token: WA.token, limit: 3 });
    expect(listed.map((t) => t.name)).toEqual(Array.from({ length: 7 }, (_, i) => `promo_${i}`));
    expect(listed[1]).toMatchObject({ language: 'pt_BR', status: 'APPROVED', category: 'MARKETING' });
    expect(new Set(listed.map((t) => t.id)).size).toBe(7);

    const created = await client.createTemplate({
      wabaId: WA.wabaId,
      token: WA.token,
      name: 'order_update',
      language: 'en_US',
      category: 'UTILITY',
      components: [
        {
          type: 'BODY',
          text: 'Hi {{1}}, order {{2}} shipped.',
          example: { body_text: [['Sheena', '#1234']] },
        },
      ],
    });
    expect(created).toMatchObject({ id: expect.any(String), status: 'PENDING', category: 'UTILITY' });
    const again = await client.listTemplates({ wabaId: WA.wabaId, token: WA.token, limit: 3 });
    expect(again.find((t) => t.id === created.id)).toMatchObject({ name: 'order_update', status: 'PENDING' });
  });

  it('surfaces a template the token may not see as 100/33', async () => {
    await expect(client.listTemplates({ wabaId: '999999999999', token: WA.token })).rejects.toMatchObject({
      code: 100,
      subcode: 33,
      retryable: false,
    });
  });
});

describe('media', () => {
  const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));

  it('looks up and downloads the exact bytes, and refuses past the cap', async () => {
    const item = sim.media.add({ mimeType: 'image/jpeg', data: bytes, phoneNumberId: WA.phoneNumberId });
    const info = await client.getMediaUrl({ mediaId: item.id, token: WA.token });
    expect(info).toMatchObject({ id: item.id, mimeType: 'image/jpeg', fileSize: 5000, sha256: item.sha256 });
    const media = await client.openMedia({
      url: info.url,
      token: WA.token,
      maxBytes: 10_000,
      allowedHosts: [],
    });
    const chunks: Buffer[] = [];
    for await (const chunk of media.body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    expect(media.contentType).toMatch(/^image\/jpeg/);
    await expect(
      client.openMedia({ url: info.url, token: WA.token, maxBytes: 4999, allowedHosts: [] }),
    ).rejects.toMatchObject({
      errorCode: 'GRAPH_MEDIA_TOO_LARGE',
      retryable: false,
    });
  });

  it('an expired media URL is a non-retryable error (look it up again)', async () => {
    const item = sim.media.add({ mimeType: 'audio/ogg', data: bytes, phoneNumberId: WA.phoneNumberId });
    const { url } = await client.getMediaUrl({ mediaId: item.id, token: WA.token });
    sim.clock.advance(6 * 60 * 1000);
    await expect(
      client.openMedia({ url, token: WA.token, maxBytes: 10_000, allowedHosts: [] }),
    ).rejects.toMatchObject({
      errorCode: 'GRAPH_MEDIA_URL_EXPIRED',
      httpStatus: 404,
      retryable: false,
    });
  });
});

describe('token checks', () => {
  it('/me: valid for a known token, invalid (190) for an unknown one', async () => {
    expect(await client.checkToken({ token: WA.token })).toMatchObject({
      valid: true,
      id: expect.any(String),
    });
    expect(await client.checkToken({ token: 'EAAGnotARealTokenAtAll000000000' })).toMatchObject({
      valid: false,
      code: 190,
    });
    expect(await client.checkToken({ token: IG.token, host: 'instagram' })).toMatchObject({
      valid: true,
      id: IG.igUserId,
    });
  });

  it('debug_token: scopes and type for a valid token, the subcode for a revoked one', async () => {
    const appToken = `${sim.app.id}|${sim.app.secret}`;
    expect(await client.checkToken({ token: WA.token, appToken })).toMatchObject({
      valid: true,
      appId: sim.app.id,
      scopes: expect.any(Array),
      type: expect.any(String),
    });
    sim.accounts.revokeToken(WA.token, 'expired');
    expect(await client.checkToken({ token: WA.token, appToken })).toMatchObject({ valid: false, code: 190 });
    expect(await client.checkToken({ token: WA.token })).toMatchObject({
      valid: false,
      code: 190,
      subcode: 463,
    });
  });
});
