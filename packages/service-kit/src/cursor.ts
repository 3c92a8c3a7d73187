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
