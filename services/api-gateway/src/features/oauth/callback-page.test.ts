import { describe, expect, it } from 'vitest';
import { preferredFormat } from './callback-page.ts';

describe('preferredFormat', () => {
  it('gives browsers HTML: they rank text/html above their */*', () => {
    const chrome = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8';
    expect(preferredFormat(chrome, 'json')).toBe('html');
  });

  it('gives JSON to clients asking for it, and the tie-breaker to */* or no header', () => {
    expect(preferredFormat('application/json', 'html')).toBe('json');
    expect(preferredFormat('*/*', 'json')).toBe('json');
    expect(preferredFormat('*/*', 'html')).toBe('html');
    expect(preferredFormat(undefined, 'json')).toBe('json');
  });

  it('honours q-values and the most specific range', () => {
    expect(preferredFormat('text/html;q=0.5, application/json', 'html')).toBe('json');
    expect(preferredFormat('application/*;q=0.2, text/*', 'json')).toBe('html');
    expect(preferredFormat('text/html;q=0, */*', 'html')).toBe('json');
  });
});
