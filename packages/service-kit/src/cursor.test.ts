import { describe, expect, it } from 'vitest';
import {
  decodeCursor,
  decodeCursorOrLegacy,
  encodeCursor,
  InvalidCursorError,
  readsCursor,
} from './cursor.ts';
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

describe('decodeCursorOrLegacy', () => {
  // An old format of a list: the bare id of the last row, in decimal.
  const bareId = (text: string): [string] | undefined => (/^\d+$/.test(text) ? [text] : undefined);

  it('decodes a cursor of the shared format and one of the old format to the same keyset values', () => {
    expect(decodeCursorOrLegacy(encodeCursor(['42']), 1, bareId)).toEqual(['42']);
    expect(decodeCursorOrLegacy('42', 1, bareId)).toEqual(['42']);
  });

  it('refuses what neither format reads with InvalidCursorError', () => {
    for (const text of ['4x2', encodeCursor(['a', 'b']), '']) {
      expect(() => decodeCursorOrLegacy(text, 1, bareId), text).toThrow(InvalidCursorError);
    }
  });

  it('tells a query schema which cursors a decoder reads, and lets other errors through', () => {
    const decode = (text: string) => decodeCursorOrLegacy(text, 1, bareId);
    expect(readsCursor(decode, '42')).toBe(true);
    expect(readsCursor(decode, 'nope')).toBe(false);
    expect(() =>
      readsCursor(() => {
        throw new TypeError('a bug');
      }, '42'),
    ).toThrow(TypeError);
  });
});

function encodeCursorOf(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
