import { describe, expect, it } from 'vitest';
import { InteractiveSchema } from './interactive-message.ts';

/** Paths of every issue, or [] when the input parsed. */
function failurePaths(input: unknown): PropertyKey[][] {
  const result = InteractiveSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.path);
}

describe('InteractiveSchema rejects garbage', () => {
  const button = (id: string) => ({ id, title: id });

  it('rejects a fourth button and duplicate button ids', () => {
    const four = { type: 'buttons', body: 'b', buttons: ['a', 'b', 'c', 'd'].map(button) };
    expect(failurePaths(four)).toEqual([['buttons']]);
    const dup = { type: 'buttons', body: 'b', buttons: [button('a'), button('a')] };
    expect(failurePaths(dup)).toEqual([['buttons', 1, 'id']]);
  });

  it('rejects a button title over 20 characters', () => {
    const long = { type: 'buttons', body: 'b', buttons: [{ id: 'a', title: 'x'.repeat(21) }] };
    expect(failurePaths(long)).toEqual([['buttons', 0, 'title']]);
  });

  it('rejects more than 10 list rows in all, and untitled sections when there are several', () => {
    const rows = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => button(`${prefix}${i}`));
    const eleven = {
      type: 'list',
      body: 'b',
      buttonText: 'Open',
      sections: [
        { title: 'A', rows: rows('a', 6) },
        { title: 'B', rows: rows('b', 5) },
      ],
    };
    expect(failurePaths(eleven)).toEqual([['sections']]);
    const untitled = {
      type: 'list',
      body: 'b',
      buttonText: 'Open',
      sections: [{ rows: rows('a', 1) }, { rows: rows('b', 1) }],
    };
    expect(failurePaths(untitled)).toEqual([
      ['sections', 0, 'title'],
      ['sections', 1, 'title'],
    ]);
  });

  it('rejects an unknown interactive type and a CTA without a URL', () => {
    expect(failurePaths({ type: 'carousel', body: 'b' })).toEqual([['type']]);
    expect(failurePaths({ type: 'cta_url', body: 'b', displayText: 'Go' })).toEqual([['url']]);
  });

  it('rejects a media header on a list (lists take text headers only)', () => {
    const list = {
      type: 'list',
      header: { type: 'image', link: 'https://cdn.example.com/p.jpg' },
      body: 'b',
      buttonText: 'Open',
      sections: [{ rows: [button('a')] }],
    };
    expect(failurePaths(list)[0]).toEqual(['header', 'type']);
    expect(failurePaths({ ...list, header: { type: 'text', text: 'Menu' } })).toEqual([]);
  });
});
