import { decodeCursorOrLegacy, encodeCursor, InvalidCursorError, readsCursor } from '@omnistream/service-kit';
import { z } from 'zod';

const ID = /^\d{1,15}$/;

/** A page of GET /admin/spool/quarantine (newest first) ends before this row id; the shared scheme. */
export const encodeQuarantineCursor = (id: number) => encodeCursor([String(id)]);

/**
 * The quarantine row id a cursor ends before. The old format, the bare id in decimal, still
 * decodes; anything else throws InvalidCursorError.
 */
export function decodeQuarantineCursor(cursor: string): number {
  const [id] = decodeCursorOrLegacy(cursor, 1, (text): [string] | undefined =>
    ID.test(text) ? [text] : undefined,
  );
  if (!ID.test(id)) throw new InvalidCursorError();
  return Number(id);
}

/** A cursor decodeQuarantineCursor reads; anything else is refused here as a 400. */
export const QuarantineCursor = z
  .string()
  .min(1)
  .max(200)
  .refine((c) => readsCursor(decodeQuarantineCursor, c), 'is not a cursor this API returned');
