import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONSOLE_ROOT, consoleScriptBytesGzipped } from './build-console.ts';

// The test run's global set-up builds the console (scripts/build-services.ts), so this checks the
// build of the sources beside it.
describe('the console build (services/api-gateway/console/dist)', () => {
  const dist = join(CONSOLE_ROOT, 'dist');

  it('loads at most 250 KB of JavaScript, gzipped, on its first load', () => {
    const bytes = consoleScriptBytesGzipped(dist);
    expect(bytes).toBeGreaterThan(5_000);
    expect(bytes).toBeLessThanOrEqual(250 * 1024);
  });

  it('names every asset by its content hash and inlines no script or style (the CSP allows none)', () => {
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    const assets = readdirSync(join(dist, 'assets')).filter((f) => !f.endsWith('.map'));
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const f of assets) expect(f).toMatch(/-[\w-]{8}\.(js|css)$/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style="/);
    for (const src of html.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g))
      expect(assets).toContain(src[1]?.replace('/console/assets/', ''));
  });
});
