import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IdFactory } from './ids.ts';
import type { MediaItem, MediaStore } from './media.ts';

/**
 * Stand-in for Meta's CDN (scontent-*.xx.fbcdn.net, lookaside.fbsbx.com) serving the attachments of
 * Messenger and Instagram messages. Their webhook `payload.url` is a signed URL whose `oe` parameter
 * is the expiry as hex Unix seconds and `oh` the signature; past `oe` the CDN answers
 * `403 URL signature expired` (text/plain), a tampered one `403 URL signature mismatch`.
 * Attachment URLs in webhooks are documented as expiring without a stated lifetime
 * (https://developers.facebook.com/docs/messenger-platform/reference/webhook-events/messages);
 * the simulator gives them CDN_URL_TTL_MS.
 */
export const CDN_URL_TTL_MS = 24 * 60 * 60 * 1000;

export type CdnCheck = 'ok' | 'expired' | 'invalid';

export interface CdnAttachments {
  /** Registers bytes in the media store (not owned by any number) and answers their CDN URL. */
  add(input: CdnAttachmentInput): { id: string; url: string; item: MediaItem };
  /** A fresh signed URL for an attachment, valid `ttlMs` from now. */
  url(id: string, ttlMs?: number): string;
  check(id: string, oe: string | undefined, oh: string | undefined): CdnCheck;
  has(id: string): boolean;
  clear(): void;
}

export type CdnAttachmentInput = {
  mimeType: string;
  filename?: string;
  ttlMs?: number;
} & ({ data: Buffer | string } | { size: number; seed?: string });

export function createCdnAttachments(deps: {
  media: MediaStore;
  ids: IdFactory;
  now: () => number;
  baseUrl: () => string;
}): CdnAttachments {
  const key = randomBytes(32);
  const ids = new Set<string>();
  const sign = (id: string, oe: string) => createHmac('sha256', key).update(`${id}:${oe}`).digest('hex');

  function url(id: string, ttlMs = CDN_URL_TTL_MS): string {
    const oe = Math.floor((deps.now() + ttlMs) / 1000)
      .toString(16)
      .toUpperCase();
    return `${deps.baseUrl()}/_cdn/${encodeURIComponent(id)}?_nc_cat=1&oh=00_${sign(id, oe)}&oe=${oe}`;
  }

  return {
    add(input) {
      const id = `cdn${deps.ids.numeric()}`;
      const { ttlMs, ...rest } = input;
      const item = deps.media.add({ ...rest, id });
      ids.add(id);
      return { id, url: url(id, ttlMs), item };
    },
    url,
    check(id, oe, oh) {
      if (oe === undefined || oh === undefined || !/^[0-9A-Fa-f]{1,12}$/.test(oe) || !oh.startsWith('00_')) {
        return 'invalid';
      }
      const expected = Buffer.from(sign(id, oe.toUpperCase()));
      const given = Buffer.from(oh.slice(3));
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
      return Number.parseInt(oe, 16) * 1000 < deps.now() ? 'expired' : 'ok';
    },
    has: (id) => ids.has(id),
    clear: () => ids.clear(),
  };
}
