import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Conventions the linter cannot keep (biome.json keeps the others: no process.env outside
// packages/config, no imports into another package's src/). See README.md for the conventions.

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const MAX_LINES = 300;

/** Files allowed over MAX_LINES for good, each with why. */
const EXEMPT: Record<string, string> = {
  'packages/events/src/asyncapi-inbound-examples.ts':
    'example data: one complete inbound event per kind for docs/asyncapi.yaml, no logic',
};

/** Non-test TypeScript under services/ and packages/: no *.test.ts, nothing in a test/ folder. */
function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'test') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        files.push(relative(ROOT, path));
      }
    }
  };
  walk(join(ROOT, 'services'));
  walk(join(ROOT, 'packages'));
  return files.sort();
}

const lineCount = (file: string): number =>
  readFileSync(join(ROOT, file), 'utf8').trimEnd().split('\n').length;

describe('source conventions', () => {
  const files = sourceFiles();

  it(`keeps every source file under services/ and packages/ at ${MAX_LINES} lines or fewer`, () => {
    expect(files.length).toBeGreaterThan(100);
    const tooLong = files
      .filter((f) => !(f in EXEMPT))
      .map((f) => ({ file: f, lines: lineCount(f) }))
      .filter((f) => f.lines > MAX_LINES)
      .map((f) => `${f.file}: ${f.lines} lines`);
    expect(
      tooLong,
      'split these by concern (kebab-case files, re-exported where callers import them)',
    ).toEqual([]);
  });

  it('lists only files that exist and still need the exemption', () => {
    const stale = Object.keys(EXEMPT).filter((f) => !files.includes(f) || lineCount(f) <= MAX_LINES);
    expect(stale, 'remove these entries from scripts/conventions.test.ts').toEqual([]);
  });

  it('cites no test broker and no file outside the repository in production code', () => {
    // Test tooling (packages/testing, packages/meta-sim) talks about the brokers it starts.
    const production = files.filter(
      (f) => !f.startsWith('packages/testing/') && !f.startsWith('packages/meta-sim/'),
    );
    const offending = production.flatMap((f) =>
      readFileSync(join(ROOT, f), 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          /\bmokapi\b|\bseeds\/|\/work\//i.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [],
        ),
    );
    expect(offending, 'cite docs/... or a public URL, and justify defaults by real Kafka/Meta').toEqual([]);
  });
});
