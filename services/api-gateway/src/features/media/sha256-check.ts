import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** The bytes did not hash to what Meta said they would. */
export class Sha256MismatchError extends Error {
  readonly expected: string;
  readonly actual: string;
  constructor(expected: string, actual: string) {
    super(`media sha256 mismatch: Meta said ${expected}, the bytes hash to ${actual}`);
    this.name = 'Sha256MismatchError';
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * Meta gives a media file's SHA-256 as hex in `GET /{media-id}` and as base64 in some webhooks
 * (docs/meta-platform.md, "Media"); either form is accepted.
 */
export function sha256Matches(expected: string, digest: Buffer): boolean {
  const e = expected.trim();
  return e.toLowerCase() === digest.toString('hex') || e === digest.toString('base64');
}

/**
 * Passes bytes through while hashing them, holding back the last chunk until the end: when the hash
 * is not `expected`, the stream fails before the final bytes leave, so a caller reading a response
 * with a Content-Length never receives a whole file that Meta did not send. Memory: one chunk.
 */
export function sha256Check(expected: string, onBytes?: (n: number) => void): Transform {
  const hash = createHash('sha256');
  let held: Buffer | null = null;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      hash.update(chunk);
      onBytes?.(chunk.length);
      const previous = held;
      held = chunk;
      callback(null, previous ?? undefined);
    },
    flush(callback: TransformCallback) {
      const digest = hash.digest();
      if (!sha256Matches(expected, digest)) {
        callback(new Sha256MismatchError(expected, digest.toString('hex')));
        return;
      }
      callback(null, held ?? undefined);
    },
  });
}
