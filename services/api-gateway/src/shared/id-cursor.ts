import { decodeCursorOrLegacy, encodeCursor, InvalidCursorError, readsCursor } from '@omnistream/service-kit';
import { z } from 'zod';

/**
 * The cursor of a list paged by a numeric row id, newest first (a page ends before the id): the
 * shared scheme (encodeCursor), and the older bare decimal id still decodes, so a client holding
 * one keeps paging. Anything else throws InvalidCursorError, or is refused by `schema` as a 400.
 */
export function idCursor(options: { maxDigits: number }) {
  const id = new RegExp(`^\\d{1,${options.maxDigits}}$`);
  const decode = (cursor: string): number => {
    const [value] = decodeCursorOrLegacy(cursor, 1, (text): [string] | undefined =>
      id.test(text) ? [text] : undefined,
    );
    if (!id.test(value)) throw new InvalidCursorError();
    return Number(value);
  };
  return {
    encode: (rowId: number) => encodeCursor([String(rowId)]),
    decode,
    schema: z
      .string()
      .min(1)
      .max(200)
      .refine((c) => readsCursor(decode, c), 'is not a cursor this API returned'),
  };
}
