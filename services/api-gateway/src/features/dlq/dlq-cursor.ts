import { decodeCursorOrLegacy, encodeCursor, InvalidCursorError, readsCursor } from '@omnistream/service-kit';
import { z } from 'zod';

const ID = /^\d{1,18}$/;

/** A page of GET /admin/dlq (newest first) ends before this dead letter id; the shared scheme. */
export const encodeDlqCursor = (id: number) => encodeCursor([String(id)]);

/**
 * The dead letter id a cursor ends before. The old format, the bare id in decimal, still decodes;
 * anything else throws InvalidCursorError.
 */
export function decodeDlqCursor(cursor: string): number {
  const [id] = decodeCursorOrLegacy(cursor, 1, (text): [string] | undefined =>
    ID.test(text) ? [text] : undefined,
  );
  if (!ID.test(id)) throw new InvalidCursorError();
  return Number(id);
}

/** A cursor decodeDlqCursor reads; anything else is refused here as a 400. */
export const DlqCursor = z
  .string()
  .min(1)
  .max(200)
  .refine((c) => readsCursor(decodeDlqCursor, c), 'is not a cursor this API returned');
