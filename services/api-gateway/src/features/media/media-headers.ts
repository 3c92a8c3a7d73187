// The headers of a media response. Media are files a customer sent: anything at all, HTML and SVG
// included, served from the admin API's origin (where the console lives). So the browser is told
// never to guess the type, never to run it, and to download anything that is not a plain picture,
// recording or video instead of showing it.

const SHOWN_INLINE = /^(image\/(jpeg|png|webp|gif)|audio\/[\w.+-]+|video\/[\w.+-]+)$/i;

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
};

/** The MIME type without parameters ("audio/ogg; codecs=opus" → "audio/ogg"), lower-case. */
export function baseMimeType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/** A file name for a download: the one given, else `<id>.<extension of its type>`. */
export function downloadName(id: string, contentType: string, given?: string): string {
  if (given?.trim()) return given.trim();
  const ext = EXTENSIONS[baseMimeType(contentType)];
  return ext ? `${id}.${ext}` : id;
}

/**
 * RFC 6266 with an RFC 8187 `filename*` for names that are not plain ASCII: the quoted fallback
 * keeps only safe ASCII (no quotes, backslashes or control characters that could break the header).
 */
export function contentDisposition(contentType: string, filename: string): string {
  const kind = SHOWN_INLINE.test(baseMimeType(contentType)) ? 'inline' : 'attachment';
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return fallback === filename
    ? `${kind}; filename="${filename}"`
    : `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** Headers every media response carries, whatever its type. */
export const MEDIA_SAFETY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
  'cache-control': 'private, max-age=300',
} as const;

/** `If-None-Match` names this ETag (strong or weak form, or `*`). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}
