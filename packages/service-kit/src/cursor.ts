import { DomainError, type DomainErrorOptions } from './domain-error.ts';

/** A page cursor that this API did not hand out (garbage, tampered or cut short). */
export class InvalidCursorError extends DomainError {
  override name = 'InvalidCursorError';

  constructor(message = 'invalid pagination cursor', options: DomainErrorOptions = {}) {
    super('GW_INVALID_CURSOR', message, { ...options, retryable: false });
  }
}

/** `arity` strings, as a tuple type. */
export type CursorValues<N extends number, R extends string[] = []> = R['length'] extends N
  ? R
  : CursorValues<N, [...R, string]>;

/**
 * The one cursor scheme of every keyset-paged list: the last row's sort-key values as a JSON array
 * in base64url, so a cursor is opaque to clients and safe in a query string.
 */
export function encodeCursor(values: readonly string[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/**
 * The keyset values of a cursor made by encodeCursor with `arity` values; anything else (not
 * base64url, not JSON, wrong count or types, a NUL byte PostgreSQL text refuses) throws
 * InvalidCursorError, which the HTTP edge answers with 400.
 */
export function decodeCursor<N extends number>(text: string, arity: N): CursorValues<N> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch (err) {
    throw new InvalidCursorError('invalid pagination cursor', { cause: err });
  }
  if (
    Array.isArray(value) &&
    value.length === arity &&
    value.every((v) => typeof v === 'string' && !v.includes('\u0000')) &&
    encodeCursor(value) === text
  )
    return value as CursorValues<N>;
  throw new InvalidCursorError();
}

/**
 * decodeCursor for a list that handed out cursors of its own format before this scheme, so clients
 * holding such a cursor keep paging: a cursor in the shared format decodes as above; otherwise
 * `legacy` reads the old format (the keyset values, or undefined when the text is not an old
 * cursor either). Anything neither reads throws InvalidCursorError.
 */
export function decodeCursorOrLegacy<N extends number>(
  text: string,
  arity: N,
  legacy: (text: string) => CursorValues<N> | undefined,
): CursorValues<N> {
  try {
    return decodeCursor(text, arity);
  } catch (err) {
    if (!(err instanceof InvalidCursorError)) throw err;
    const values = legacy(text);
    if (values === undefined) throw err;
    return values;
  }
}

/** Whether `decode` reads `text` without InvalidCursorError: a query schema's check of a cursor. */
export function readsCursor(decode: (text: string) => unknown, text: string): boolean {
  try {
    decode(text);
    return true;
  } catch (err) {
    if (err instanceof InvalidCursorError) return false;
    throw err;
  }
}
