import { describe, expect, it } from 'vitest';
import { AppError } from './app-error.ts';
import { checkJsonDepth, parseJsonBounded } from './json-depth.ts';

const nested = (depth: number, open = '[', close = ']') => `${open.repeat(depth)}${close.repeat(depth)}`;

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

describe('checkJsonDepth', () => {
  it('accepts a body nested exactly to the limit and refuses one level more, naming the limit', () => {
    expect(() => checkJsonDepth(nested(10), 10)).not.toThrow();
    const err = errorOf(() => checkJsonDepth(nested(11), 10));
    expect(err.status).toBe(400);
    expect(err.code).toBe('GW_INVALID_JSON');
    expect(err.message).toBe('JSON nests deeper than 10 levels');
  });

  it('counts objects and arrays alike', () => {
    const mixed = `${'{"a":['.repeat(6)}1${']}'.repeat(6)}`;
    expect(() => checkJsonDepth(mixed, 12)).not.toThrow();
    expect(() => checkJsonDepth(mixed, 11)).toThrow(AppError);
  });

  it('ignores brackets inside strings, including after escaped quotes', () => {
    const text = JSON.stringify({ text: `he said \\"${'['.repeat(500)}` });
    expect(() => checkJsonDepth(text, 3)).not.toThrow();
    expect(() => checkJsonDepth(Buffer.from(text), 3)).not.toThrow();
  });

  it('refuses a 100,000-deep body from a Buffer without overflowing the stack', () => {
    expect(() => checkJsonDepth(Buffer.from(nested(100_000)))).toThrow(/deeper than 64 levels/);
  });
});

describe('parseJsonBounded', () => {
  it('parses a normal body and turns a syntax error into a 400', () => {
    expect(parseJsonBounded(Buffer.from('{"a":[1,{"b":2}]}'))).toEqual({ a: [1, { b: 2 }] });
    const err = errorOf(() => parseJsonBounded('{"a":'));
    expect([err.status, err.code, err.message]).toEqual([400, 'GW_INVALID_JSON', 'body is not valid JSON']);
  });
});
