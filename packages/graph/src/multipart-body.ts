import { randomBytes } from 'node:crypto';

/**
 * A multipart/form-data body (RFC 7578) produced as an async generator, so a file streams through
 * without being held: undici's FormData only takes Blobs, which would need the whole file first.
 */

export interface MultipartField {
  name: string;
  value: string;
}

export interface MultipartFile {
  name: string;
  filename: string;
  contentType: string;
  body: AsyncIterable<Buffer | Uint8Array | string>;
}

/**
 * A quoted-string parameter value the way browsers (and undici) encode form data (WHATWG HTML,
 * "multipart/form-data encoding algorithm"): `"` → %22, CR → %0D, LF → %0A; other characters,
 * non-ASCII included, are sent as UTF-8.
 */
export function escapeQuoted(value: string): string {
  return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Boundary of 32 random hex digits: cannot occur in a text field, and a file colliding with it is ~2^-128. */
export function newBoundary(): string {
  return `----OmniStreamBoundary${randomBytes(16).toString('hex')}`;
}

export function multipartContentType(boundary: string): string {
  return `multipart/form-data; boundary=${boundary}`;
}

export async function* multipartBody(
  boundary: string,
  fields: readonly MultipartField[],
  file: MultipartFile,
): AsyncGenerator<Buffer> {
  let head = '';
  for (const field of fields) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${escapeQuoted(field.name)}"\r\n\r\n${field.value}\r\n`;
  }
  head +=
    `--${boundary}\r\nContent-Disposition: form-data; name="${escapeQuoted(file.name)}"; ` +
    `filename="${escapeQuoted(file.filename)}"\r\nContent-Type: ${file.contentType.replace(/[\r\n]/g, '')}\r\n\r\n`;
  yield Buffer.from(head, 'utf8');
  for await (const chunk of file.body) {
    if (typeof chunk === 'string') yield Buffer.from(chunk, 'utf8');
    else yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
  yield Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
}
