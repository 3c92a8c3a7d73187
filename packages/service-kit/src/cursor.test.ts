import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, InvalidCursorError } from './cursor.ts';
import { DomainError } from './domain-error.ts';

describe('encodeCursor / decodeCursor', () => {
  it('round-trips keyset values, unicode included, through a query-string-safe text', () => {
    const values = ['2026-01-01 10:00:00.123456+00', 'ünï-😀', 'a"b,c'];
    const text = encodeCursor(values);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text, 3)).toEqual(values);
  });

  it.each([
    ['not base64url at all', 'not a cursor!'],
    ['not JSON', Buffer.from('{{').toString('base64url')],
    ['not an array', encodeCursorOf({ a: 1 })],
    ['too few values', encodeCursor(['a'])],
    ['a value not a string', encodeCursorOf(['a', 1])],
    ['a NUL byte', encodeCursor(['a\u0000', 'b'])],
    ['empty', ''],
  ])('refuses a cursor that is %s with InvalidCursorError', (_label, text) => {
    let thrown: unknown;
    try {
      decodeCursor(text, 2);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InvalidCursorError);
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toMatchObject({ code: 'GW_INVALID_CURSOR', retryable: false });
    expect((thrown as Error).message).toBe('invalid pagination cursor');
  });
});

function encodeCursorOf(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
