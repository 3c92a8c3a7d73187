import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IdFactory } from './ids.ts';

export interface MediaItem {
  id: string;
  mimeType: string;
  data: Buffer;
  /** Hex SHA-256 of the bytes, as in the media GET response and inbound webhooks. */
  sha256: string;
  fileSize: number;
  /** When set, only tokens granted on this phone number can read it. */
  phoneNumberId?: string;
}

export interface MediaInput {
  id?: string;
  mimeType: string;
  data: Buffer | string;
  phoneNumberId?: string;
}

export type MediaUrlCheck = 'ok' | 'expired' | 'invalid';

export interface MediaStore {
  add(input: MediaInput): MediaItem;
  get(id: string): MediaItem | undefined;
  delete(id: string): boolean;
  /** Download URL query like lookaside.fbsbx.com's: `mid`, `ext` (expiry, seconds) and `hash`. */
  signedQuery(id: string, nowMs: number): string;
  checkUrl(id: string, ext: string | undefined, hash: string | undefined, nowMs: number): MediaUrlCheck;
  clear(): void;
}

// WhatsApp media URLs "are valid for 5 minutes" (Cloud API Media reference).
export const MEDIA_URL_TTL_MS = 5 * 60 * 1000;

export function createMediaStore(ids: IdFactory): MediaStore {
  const items = new Map<string, MediaItem>();
  // Per-process key: URLs cannot be forged or reused across simulator runs.
  const key = randomBytes(32);
  const sign = (id: string, ext: string) =>
    createHmac('sha256', key).update(`${id}:${ext}`).digest('base64url');

  return {
    add(input) {
      const data = typeof input.data === 'string' ? Buffer.from(input.data) : input.data;
      const item: MediaItem = {
        id: input.id ?? ids.numeric(),
        mimeType: input.mimeType,
        data,
        sha256: createHash('sha256').update(data).digest('hex'),
        fileSize: data.length,
      };
      if (input.phoneNumberId !== undefined) item.phoneNumberId = input.phoneNumberId;
      items.set(item.id, item);
      return item;
    },
    get: (id) => items.get(id),
    delete: (id) => items.delete(id),
    signedQuery(id, nowMs) {
      const ext = String(Math.floor((nowMs + MEDIA_URL_TTL_MS) / 1000));
      return `mid=${encodeURIComponent(id)}&ext=${ext}&hash=${sign(id, ext)}`;
    },
    checkUrl(id, ext, hash, nowMs) {
      if (ext === undefined || hash === undefined || !/^\d+$/.test(ext)) return 'invalid';
      const expected = Buffer.from(sign(id, ext));
      const given = Buffer.from(hash);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
      return Number(ext) * 1000 < nowMs ? 'expired' : 'ok';
    },
    clear() {
      items.clear();
    },
  };
}
