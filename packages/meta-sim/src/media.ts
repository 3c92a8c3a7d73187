import { createCipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import type { IdFactory } from './ids.ts';

export interface MediaItem {
  id: string;
  mimeType: string;
  /** The bytes, or undefined for synthetic media (`synthetic`), generated when read. */
  data: Buffer | undefined;
  /** Large media that is never held in memory: `size` bytes of syntheticMediaStream(seed, size). */
  synthetic?: { seed: string; size: number };
  /** Hex SHA-256 of the bytes, as in the media GET response and inbound webhooks. */
  sha256: string;
  fileSize: number;
  /** When set, only tokens granted on this phone number can read it. */
  phoneNumberId?: string;
  filename?: string;
  /** `/_media/:id` answers `302 Location: <redirect>` instead of the bytes (SSRF-guard tests). */
  redirect?: string;
}

export type MediaInput = {
  id?: string;
  mimeType: string;
  phoneNumberId?: string;
  filename?: string;
} & ({ data: Buffer | string } | { size: number; seed?: string });

/** An upload through `POST /{phone-number-id}/media` or `/{page-id}/message_attachments`. */
export interface MediaUpload {
  kind: 'whatsapp' | 'messenger' | 'instagram';
  /** The media id or attachment_id returned. */
  id: string;
  accountId: string;
  mimeType: string;
  filename?: string;
  /** WhatsApp's `type` field / the attachment type. */
  type: string;
  fileSize: number;
  sha256: string;
  at: number;
  tokenLast4: string;
}

export type MediaUrlCheck = 'ok' | 'expired' | 'invalid';

export interface MediaStore {
  add(input: MediaInput): MediaItem;
  get(id: string): MediaItem | undefined;
  delete(id: string): boolean;
  /** The bytes of an item as a stream (synthetic ones generated chunk by chunk). */
  stream(item: MediaItem): Readable;
  /** Makes `/_media/:id` redirect to `location` (or serve the bytes again when undefined). */
  redirect(id: string, location: string | undefined): boolean;
  recordUpload(upload: MediaUpload): void;
  uploads(): MediaUpload[];
  /** Download URL query like lookaside.fbsbx.com's: `mid`, `ext` (expiry, seconds) and `hash`. */
  signedQuery(id: string, nowMs: number): string;
  checkUrl(id: string, ext: string | undefined, hash: string | undefined, nowMs: number): MediaUrlCheck;
  clear(): void;
}

// WhatsApp media URLs "are valid for 5 minutes" (Cloud API Media reference,
// https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media).
export const MEDIA_URL_TTL_MS = 5 * 60 * 1000;

const SYNTHETIC_CHUNK = 64 * 1024;
const ZEROS = Buffer.alloc(SYNTHETIC_CHUNK);

/**
 * Deterministic pseudo-random bytes: the AES-256-CTR keystream under sha256(seed). Fast (GB/s), so a
 * 100 MB document costs no memory and little time, and a test can compute the same bytes or hash.
 */
export function syntheticMediaStream(seed: string, size: number): Readable {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  let left = size;
  return new Readable({
    read() {
      if (left <= 0) {
        this.push(null);
        return;
      }
      const n = Math.min(left, SYNTHETIC_CHUNK);
      left -= n;
      this.push(cipher.update(n === SYNTHETIC_CHUNK ? ZEROS : ZEROS.subarray(0, n)));
    },
  });
}

/** Hex SHA-256 of syntheticMediaStream(seed, size), computed by streaming (constant memory). */
export async function syntheticMediaSha256(seed: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of syntheticMediaStream(seed, size)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function syntheticSha256Sync(seed: string, size: number): string {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const hash = createHash('sha256');
  for (let left = size; left > 0; left -= SYNTHETIC_CHUNK) {
    const n = Math.min(left, SYNTHETIC_CHUNK);
    hash.update(cipher.update(n === SYNTHETIC_CHUNK ? ZEROS : ZEROS.subarray(0, n)));
  }
  return hash.digest('hex');
}

export function createMediaStore(ids: IdFactory): MediaStore {
  const items = new Map<string, MediaItem>();
  let uploads: MediaUpload[] = [];
  // Per-process key: URLs cannot be forged or reused across simulator runs.
  const key = randomBytes(32);
  const sign = (id: string, ext: string) =>
    createHmac('sha256', key).update(`${id}:${ext}`).digest('base64url');

  return {
    add(input) {
      const id = input.id ?? ids.numeric();
      let item: MediaItem;
      if ('size' in input) {
        const seed = input.seed ?? id;
        // Hashing streams through the generator once; ~0.3 s for 100 MB, no memory held.
        item = {
          id,
          mimeType: input.mimeType,
          data: undefined,
          synthetic: { seed, size: input.size },
          sha256: syntheticSha256Sync(seed, input.size),
          fileSize: input.size,
        };
      } else {
        const data = typeof input.data === 'string' ? Buffer.from(input.data) : input.data;
        item = {
          id,
          mimeType: input.mimeType,
          data,
          sha256: createHash('sha256').update(data).digest('hex'),
          fileSize: data.length,
        };
      }
      if (input.phoneNumberId !== undefined) item.phoneNumberId = input.phoneNumberId;
      if (input.filename !== undefined) item.filename = input.filename;
      items.set(item.id, item);
      return item;
    },
    get: (id) => items.get(id),
    delete: (id) => items.delete(id),
    stream(item) {
      if (item.synthetic) return syntheticMediaStream(item.synthetic.seed, item.synthetic.size);
      return Readable.from([item.data ?? Buffer.alloc(0)]);
    },
    redirect(id, location) {
      const item = items.get(id);
      if (!item) return false;
      if (location === undefined) delete item.redirect;
      else item.redirect = location;
      return true;
    },
    recordUpload(upload) {
      uploads.push(upload);
    },
    uploads: () => [...uploads],
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
      uploads = [];
    },
  };
}

/** What an inbound webhook says about media the simulator holds (type, base64 sha256, name). */
export function mediaFactsOf(
  item: MediaItem | undefined,
): { mimeType: string; sha256: string; filename?: string } | undefined {
  if (!item) return undefined;
  return {
    mimeType: item.mimeType,
    sha256: item.sha256,
    ...(item.filename === undefined ? {} : { filename: item.filename }),
  };
}
