import { decodeCursorOrLegacy, encodeCursor, readsCursor } from '@omnistream/service-kit';
import { z } from 'zod';

/** A page of GET /admin/fbe ends after this external_business_id; the cursor is the shared scheme. */
export const encodeFbeCursor = (id: string) => encodeCursor([id]);

/**
 * The cursor format before the shared scheme: the id itself in base64url, read only from text
 * that decodes back to itself.
 */
function oldFbeCursor(text: string): [string] | undefined {
  const id = Buffer.from(text, 'base64url').toString('utf8');
  const valid = id !== '' && !id.includes('\u0000') && Buffer.from(id, 'utf8').toString('base64url') === text;
  return valid ? [id] : undefined;
}

/**
 * The external_business_id a cursor ends after; cursors of the old format still decode. Anything
 * else (not base64url, bytes that are not UTF-8, a NUL PostgreSQL refuses in text) throws
 * InvalidCursorError. The shared format is tried first, so an old cursor of an id that is itself
 * a JSON array of one string reads as that string.
 */
export function decodeFbeCursor(cursor: string): string {
  return decodeCursorOrLegacy(cursor, 1, oldFbeCursor)[0];
}

/** A cursor decodeFbeCursor reads; anything else is refused here as a 400, not in SQL. */
export const FbeCursor = z
  .string()
  .min(1)
  .max(1024)
  .refine((c) => readsCursor(decodeFbeCursor, c), 'is not a cursor this API returned');
