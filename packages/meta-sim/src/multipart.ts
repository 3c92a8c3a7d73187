import type { IncomingMessage } from 'node:http';

/**
 * A minimal multipart/form-data reader (RFC 7578), scoped to the simulator: the upload routes need
 * a handful of fields and one file. The request is read whole (up to a cap): the simulator keeps
 * uploaded bytes anyway, and @fastify/multipart is not a dependency of this package.
 */

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

export type ReadBodyResult = { ok: true; body: Buffer } | { ok: false; size: number };

/** Reads the whole body; past `limit` keeps draining (so the client gets the answer) but keeps nothing. */
export async function readBodyCapped(req: IncomingMessage, limit: number): Promise<ReadBodyResult> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size <= limit) chunks.push(buf);
    else if (chunks.length > 0) chunks.length = 0;
  }
  return size > limit ? { ok: false, size } : { ok: true, body: Buffer.concat(chunks) };
}

export function boundaryOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined || !/^multipart\/form-data\b/i.test(contentType)) return undefined;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

/**
 * Undoes the escaping of a quoted parameter the way browsers and undici write it (WHATWG HTML,
 * multipart/form-data encoding): `%22 %0D %0A`; a backslash is an ordinary character there.
 */
function unquote(value: string): string {
  return value.replace(/%(22|0D|0A)/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

function parseDisposition(header: string): { name?: string; filename?: string } {
  const out: { name?: string; filename?: string } = {};
  for (const m of header.matchAll(/;\s*(name|filename)(\*)?=(?:"([^"]*)"|([^;\s]*))/gi)) {
    const key = (m[1] as string).toLowerCase() as 'name' | 'filename';
    const raw = m[3] ?? m[4] ?? '';
    if (m[2] === '*') {
      // RFC 5987: charset'lang'percent-encoded; wins over the plain form.
      const q = raw.indexOf("'", raw.indexOf("'") + 1);
      try {
        out[key] = decodeURIComponent(raw.slice(q + 1));
      } catch {
        // Keep the plain form.
      }
    } else if (out[key] === undefined || key === 'name') {
      out[key] = m[3] !== undefined ? unquote(raw) : raw;
    }
  }
  return out;
}

/** The parts of a multipart body, or undefined when it is not well formed. */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] | undefined {
  const delimiter = Buffer.from(`--${boundary}`);
  const next = Buffer.from(`\r\n--${boundary}`);
  let pos = body.indexOf(delimiter);
  if (pos < 0) return undefined;
  pos += delimiter.length;
  const parts: MultipartPart[] = [];
  for (;;) {
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts; // closing `--boundary--`
    // Transport padding, then CRLF.
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++;
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) return undefined;
    pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) return undefined;
    const headers = new Map<string, string>();
    for (const line of body.subarray(pos, headerEnd).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const end = body.indexOf(next, headerEnd + 4);
    if (end < 0) return undefined;
    const disposition = parseDisposition(headers.get('content-disposition') ?? '');
    if (disposition.name === undefined) return undefined;
    const part: MultipartPart = { name: disposition.name, data: body.subarray(headerEnd + 4, end) };
    if (disposition.filename !== undefined) part.filename = disposition.filename;
    const type = headers.get('content-type');
    if (type !== undefined) part.contentType = type;
    parts.push(part);
    pos = end + next.length;
  }
}
