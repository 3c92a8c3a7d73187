import { z } from 'zod';
import type { MediaInput } from './media.ts';

// Control API schemas for media (`/_sim/media`, `/_sim/attachments`), apart from control-schemas.ts.

const id = z.string().min(1);

/** The content of a media item: base64, UTF-8 text, or `size` synthetic bytes never held in memory. */
const contentFields = {
  dataBase64: z.string().optional(),
  text: z.string().optional(),
  /** media.ts syntheticMediaStream(seed ?? id, size). */
  size: z
    .int()
    .min(0)
    .max(2 * 1024 * 1024 * 1024)
    .optional(),
  seed: z.string().min(1).optional(),
};
const oneContent = {
  check: (m: { dataBase64?: string | undefined; text?: string | undefined; size?: number | undefined }) =>
    [m.dataBase64, m.text, m.size].filter((v) => v !== undefined).length === 1,
  message: 'give exactly one of dataBase64, text or size',
};

export const mediaSchema = z
  .object({
    id: id.optional(),
    mimeType: id,
    ...contentFields,
    phoneNumberId: id.optional(),
    filename: z.string().min(1).optional(),
  })
  .refine(oneContent.check, { message: oneContent.message });

/** Where `/_media/:id` (or `/_cdn/:id`) redirects instead of serving the bytes; null stops it. */
export const mediaRedirectSchema = z.object({ location: z.string().min(1).nullable() });

/** `POST /_sim/attachments`: a Messenger / Instagram CDN attachment, answered with its signed URL. */
export const cdnAttachmentSchema = z
  .object({
    mimeType: id,
    ...contentFields,
    filename: z.string().min(1).optional(),
    /** URL lifetime (default cdn.ts CDN_URL_TTL_MS). */
    ttlMs: z.int().min(0).optional(),
  })
  .refine(oneContent.check, { message: oneContent.message });

/** The media store input of a `/_sim/media` call or a seed's `media` entry. */
export function mediaInputOf(m: z.output<typeof mediaSchema>): MediaInput {
  return {
    mimeType: m.mimeType,
    ...mediaContent(m),
    ...(m.id ? { id: m.id } : {}),
    ...(m.phoneNumberId ? { phoneNumberId: m.phoneNumberId } : {}),
    ...(m.filename ? { filename: m.filename } : {}),
  };
}

/** Bytes of a media / attachment control call: synthetic when `size` is given. */
export function mediaContent(m: {
  dataBase64?: string | undefined;
  text?: string | undefined;
  size?: number | undefined;
  seed?: string | undefined;
}): { data: Buffer } | { size: number; seed?: string } {
  if (m.size !== undefined) return { size: m.size, ...(m.seed === undefined ? {} : { seed: m.seed }) };
  return {
    data: m.dataBase64 !== undefined ? Buffer.from(m.dataBase64, 'base64') : Buffer.from(m.text ?? ''),
  };
}
