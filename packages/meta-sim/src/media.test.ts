import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestSim, type TestSim, WA } from './test-kit.ts';

let t: TestSim;
beforeAll(async () => {
  t = await startTestSim();
});
afterAll(() => t.sim.stop());
beforeEach(() => t.sim.reset('all'));

const bytes = Buffer.from('OggS fake voice note bytes');

describe('media', () => {
  it('answers GET /{media-id} with a URL back to the simulator and the file facts', async () => {
    const item = t.sim.media.add({
      id: '1003383421387256',
      mimeType: 'audio/ogg',
      data: bytes,
      phoneNumberId: WA.phoneNumberId,
    });
    const res = await t.get(`/${item.id}`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      url: expect.stringMatching(
        new RegExp(`^${t.sim.url}/_media/1003383421387256\\?mid=1003383421387256&ext=\\d+&hash=`),
      ),
      mime_type: 'audio/ogg',
      sha256: createHash('sha256').update(bytes).digest('hex'),
      file_size: bytes.length,
      id: '1003383421387256',
      messaging_product: 'whatsapp',
    });
  });

  it('serves the bytes only with the Bearer token, for 5 minutes', async () => {
    const item = t.sim.media.add({ mimeType: 'image/jpeg', data: bytes, phoneNumberId: WA.phoneNumberId });
    const { url } = (await t.get(`/${item.id}`)).json;

    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: number } }).error.code).toBe(190);

    const withToken = await fetch(url, { headers: { authorization: `Bearer ${WA.token}` } });
    expect(withToken.status).toBe(200);
    expect(withToken.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await withToken.arrayBuffer())).toEqual(bytes);

    const tampered = await fetch(url.replace(/hash=[^&]+/, 'hash=forged'), {
      headers: { authorization: `Bearer ${WA.token}` },
    });
    expect(tampered.status).toBe(404);

    t.clock.advance(5 * 60_000 + 1000);
    const expired = await fetch(url, { headers: { authorization: `Bearer ${WA.token}` } });
    expect(expired.status).toBe(404);
  });

  it('answers 100/33 for unknown media and for a token of another number', async () => {
    expect((await t.get('/987654321')).json.error).toMatchObject({ code: 100, error_subcode: 33 });
    const item = t.sim.media.add({ mimeType: 'image/png', data: bytes, phoneNumberId: WA.phoneNumberId });
    t.sim.accounts.addWhatsAppNumber({
      phoneNumberId: '2000',
      wabaId: '3000',
      tokens: ['other-number-token'],
    });
    expect((await t.get(`/${item.id}`, { token: 'other-number-token' })).json.error).toMatchObject({
      code: 100,
      error_subcode: 33,
    });
  });

  it('seeds media over POST /_sim/media and deletes it with DELETE /{media-id}', async () => {
    const seeded = await t.control('POST', '/media', {
      mimeType: 'text/plain',
      text: 'hello',
      phoneNumberId: WA.phoneNumberId,
    });
    expect(seeded.status).toBe(201);
    expect(seeded.json).toMatchObject({ fileSize: 5, mimeType: 'text/plain' });
    const del = await fetch(`${t.sim.graphUrl}/${seeded.json.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${WA.token}` },
    });
    expect(await del.json()).toEqual({ success: true });
    expect((await t.get(`/${seeded.json.id}`)).json.error.error_subcode).toBe(33);
  });
});
