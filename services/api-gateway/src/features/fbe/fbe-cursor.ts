import { z } from 'zod';

/** A page of GET /admin/fbe ends after this external_business_id; the cursor is it in base64url. */
export const encodeFbeCursor = (id: string) => Buffer.from(id, 'utf8').toString('base64url');

export const decodeFbeCursor = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8');

/**
 * Only what encodeFbeCursor produced decodes back to itself: anything else (not base64url, bytes
 * that are not UTF-8, a NUL PostgreSQL refuses in text) is refused here as a 400, not in SQL.
 */
export const FbeCursor = z
  .string()
  .min(1)
  .max(400)
  .refine((c) => {
    const id = decodeFbeCursor(c);
    return !id.includes('\u0000') && encodeFbeCursor(id) === c;
  }, 'is not a cursor this API returned');
