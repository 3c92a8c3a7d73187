/**
 * Meta's upload limits, checked by callers before anything is sent.
 *
 * WhatsApp Cloud API "Supported media types"
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media#supported-media-types):
 * audio 16 MB (aac, amr, mpeg, mp4, ogg with the opus codec only), document 100 MB, image 5 MB (jpeg,
 * png), sticker image/webp 100 KB static / 500 KB animated, video 16 MB (3gp, mp4; H.264 + AAC).
 * MB taken as MiB: the larger reading, so a file Meta takes is never refused here.
 */

const KB = 1024;
const MB = 1024 * KB;

export type WhatsappMediaCategory = 'audio' | 'document' | 'image' | 'sticker' | 'video';

export interface WhatsappMediaCategoryLimit {
  readonly mimeTypes: readonly string[];
  readonly maxBytes: number;
  /** Stickers: static and animated webp differ. */
  readonly staticMaxBytes?: number;
  readonly animatedMaxBytes?: number;
}

export const WHATSAPP_MEDIA_LIMITS = {
  audio: {
    mimeTypes: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'],
    maxBytes: 16 * MB,
  },
  document: {
    mimeTypes: [
      'text/plain',
      'application/vnd.ms-excel',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/msword',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.ms-powerpoint',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      'application/pdf',
    ],
    maxBytes: 100 * MB,
  },
  image: { mimeTypes: ['image/jpeg', 'image/png'], maxBytes: 5 * MB },
  /** `maxBytes` is the animated ceiling: whether a webp is animated is not known from its type. */
  sticker: {
    mimeTypes: ['image/webp'],
    maxBytes: 500 * KB,
    staticMaxBytes: 100 * KB,
    animatedMaxBytes: 500 * KB,
  },
  video: { mimeTypes: ['video/3gp', 'video/mp4'], maxBytes: 16 * MB },
} as const satisfies Record<WhatsappMediaCategory, WhatsappMediaCategoryLimit>;

export interface WhatsappMediaLimit {
  category: WhatsappMediaCategory;
  /** The MIME type without parameters, lower case. */
  mimeType: string;
  maxBytes: number;
}

/** The WhatsApp category and size limit of a MIME type (`audio/ogg; codecs=opus` works), or undefined if unsupported. */
export function whatsappMediaLimit(mimeType: string): WhatsappMediaLimit | undefined {
  const bare = mimeType.split(';')[0]?.trim().toLowerCase() ?? '';
  for (const [category, limit] of Object.entries(WHATSAPP_MEDIA_LIMITS)) {
    if ((limit.mimeTypes as readonly string[]).includes(bare)) {
      return { category: category as WhatsappMediaCategory, mimeType: bare, maxBytes: limit.maxBytes };
    }
  }
  return undefined;
}

/**
 * Messenger "Saving assets": assets up to 25 MB (images 8 MB when uploaded from a URL)
 * (https://developers.facebook.com/docs/messenger-platform/send-messages/saving-assets).
 * Instagram messaging: audio/video/file 25 MB, image 8 MB
 * (https://developers.facebook.com/docs/messenger-platform/instagram/features/attachment-upload).
 */
export const MESSENGER_ATTACHMENT_MAX_BYTES = 25 * MB;
export const INSTAGRAM_ATTACHMENT_MAX_BYTES = {
  image: 8 * MB,
  audio: 25 * MB,
  video: 25 * MB,
  file: 25 * MB,
} as const;
