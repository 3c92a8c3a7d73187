import { describe, expect, it } from 'vitest';
import { WHATSAPP_MEDIA_LIMITS, whatsappMediaLimit } from './media-limits.ts';
import { hostMatches } from './media-open.ts';
import { escapeQuoted, multipartBody, multipartContentType, newBoundary } from './multipart-body.ts';

describe('hostMatches', () => {
  const list = ['*.fbcdn.net', 'lookaside.fbsbx.com', 'localhost:8080'];
  it.each([
    ['https://scontent-gru2-1.xx.fbcdn.net/v/t1.jpg?oe=1', true],
    ['https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1', true],
    ['https://LOOKASIDE.FBSBX.COM/x', true],
    ['http://localhost:8080/x', true],
    ['http://localhost:8081/x', false],
    ['https://fbcdn.net/x', false],
    ['https://evilfbcdn.net/x', false],
    ['https://fbcdn.net.evil.com/x', false],
    ['https://lookaside.fbsbx.com.evil.com/x', false],
    ['http://169.254.169.254/latest/meta-data/', false],
  ])('%s → %s', (url, expected) => {
    expect(hostMatches(new URL(url), list)).toBe(expected);
  });
});

describe('whatsappMediaLimit', () => {
  it('gives the category and Meta’s ceiling, ignoring parameters and case', () => {
    expect(whatsappMediaLimit('image/JPEG')).toEqual({
      category: 'image',
      mimeType: 'image/jpeg',
      maxBytes: 5 * 1024 * 1024,
    });
    expect(whatsappMediaLimit('audio/ogg; codecs=opus')).toMatchObject({
      category: 'audio',
      maxBytes: 16 * 1024 * 1024,
    });
    expect(whatsappMediaLimit('application/pdf')?.maxBytes).toBe(100 * 1024 * 1024);
    expect(whatsappMediaLimit('image/webp')).toMatchObject({ category: 'sticker', maxBytes: 500 * 1024 });
    expect(WHATSAPP_MEDIA_LIMITS.sticker.staticMaxBytes).toBe(100 * 1024);
    expect(whatsappMediaLimit('image/gif')).toBeUndefined();
    expect(whatsappMediaLimit('')).toBeUndefined();
  });
});

describe('multipartBody', () => {
  it('writes fields, then the file with an escaped filename, with CRLFs and the closing boundary', async () => {
    const boundary = 'B';
    const out: Buffer[] = [];
    for await (const chunk of multipartBody(boundary, [{ name: 'messaging_product', value: 'whatsapp' }], {
      name: 'file',
      filename: 'a "b"\r\nç.pdf',
      contentType: 'application/pdf',
      body: (async function* () {
        yield Buffer.from('12');
        yield new Uint8Array([51]);
      })(),
    })) {
      out.push(chunk);
    }
    expect(Buffer.concat(out).toString('utf8')).toBe(
      '--B\r\nContent-Disposition: form-data; name="messaging_product"\r\n\r\nwhatsapp\r\n' +
        '--B\r\nContent-Disposition: form-data; name="file"; filename="a %22b%22%0D%0Aç.pdf"\r\n' +
        'Content-Type: application/pdf\r\n\r\n123\r\n--B--\r\n',
    );
  });

  it('boundaries are random and fit the header', () => {
    const a = newBoundary();
    expect(a).not.toBe(newBoundary());
    expect(a.length).toBeLessThanOrEqual(70);
    expect(multipartContentType(a)).toBe(`multipart/form-data; boundary=${a}`);
    expect(escapeQuoted('x')).toBe('x');
  });
});
