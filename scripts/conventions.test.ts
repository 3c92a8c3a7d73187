import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
  'services/api-gateway/console/src/api/schema.d.ts':
    "generated from the gateway's /openapi.json (console-api-types.int.test.ts keeps it current)",
};

/** Non-test TypeScript under services/ and packages/: no *.test.ts, nothing in a test/ folder. */
function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'test') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts')) {
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
          /\bmokapi\b|\bseeds\/|\bseed 0\d\d\b|\/work\//i.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [],
        ),
    );
    expect(offending, 'cite docs/... or a public URL, and justify defaults by real Kafka/Meta').toEqual([]);
  });

  it('cites in comments only documents under docs/ that exist, meta-platform.md included', () => {
    const code: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory() && entry.name !== 'node_modules') walk(path);
        else if (/\.(ts|mts|mjs|js|sh)$/.test(entry.name)) code.push(path);
      }
    };
    for (const dir of ['services', 'packages', 'scripts', 'bench']) walk(dir);
    expect(code.length).toBeGreaterThan(100);
    const broken = code.flatMap((f) =>
      [...readFileSync(join(ROOT, f), 'utf8').matchAll(/\/\/[^\n]*|\/\*[\s\S]*?\*\/|^\s*#[^\n]*/gm)].flatMap(
        ([comment]) => [
          ...[...comment.matchAll(/(?<![\w./-])docs\/[\w./-]*?\.md\b/g)]
            .filter(([doc]) => !existsSync(join(ROOT, doc)))
            .map(([doc]) => `${f}: ${doc} does not exist`),
          ...[...comment.matchAll(/(?<![\w/.-])meta-platform\.md/g)].map(
            () => `${f}: bare meta-platform.md (cite docs/meta-platform.md)`,
          ),
        ],
      ),
    );
    expect(broken, 'cite documents that are in the repository, by their path from its root').toEqual([]);
  });
});

/** Test code under services/, packages/ and scripts/: *.test.ts files and whatever sits in test/ folders. */
function testFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string, inTest: boolean): void => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, inTest || entry.name === 'test');
      else if (entry.name.endsWith('.ts') && (inTest || /\.test\.ts$|test-kit\.ts$/.test(entry.name))) {
        files.push(path);
      }
    }
  };
  for (const dir of ['services', 'packages', 'scripts']) walk(dir, false);
  return files.sort();
}

/** Test files whose fixed waits are not annotated yet, each with why it may wait. */
const WAIT_EXEMPT: Record<string, string> = {};

describe('test conventions', () => {
  const files = testFiles().filter((f) => f !== 'scripts/conventions.test.ts');

  it('waits for a condition (until() from @omnistream/testing), not a fixed time, unless a comment says why', () => {
    expect(files.length).toBeGreaterThan(50);
    // A timer resolving a bare promise, a call of a sleep helper, or the promise-based timers.
    const fixedWait = /setTimeout\(\s*(?:r|res|resolve)\s*,|\bsleep\(|['"]node:timers\/promises['"]/;
    const waits = (f: string) => {
      const lines = readFileSync(join(ROOT, f), 'utf8').split('\n');
      return lines.flatMap((line, i) =>
        fixedWait.test(line) && !/\/\/ wait-ok: \S/.test(`${lines[i - 1] ?? ''}\n${line}`)
          ? [`${f}:${i + 1}: ${line.trim()}`]
          : [],
      );
    };
    const stale = Object.keys(WAIT_EXEMPT).filter((f) => !files.includes(f) || waits(f).length === 0);
    expect(stale, 'remove these entries from WAIT_EXEMPT').toEqual([]);
    const unexplained = files.filter((f) => !(f in WAIT_EXEMPT)).flatMap(waits);
    expect(
      unexplained,
      'wait with until() (or a deterministic trigger); a wait that IS the scenario, or checks that ' +
        'nothing happens, carries "// wait-ok: <reason>" on its line or the line before',
    ).toEqual([]);
  });

  it("imports no other service's src/: other services' tests go through that service's test/harness.ts", () => {
    const service = (path: string) => /^services\/([^/]+)\//.exec(path)?.[1];
    const crossing = files
      .filter((f) => service(f) !== undefined)
      .flatMap((f) =>
        [...readFileSync(join(ROOT, f), 'utf8').matchAll(/from '(\.[^']+)'/g)].flatMap(([, spec = '']) => {
          const target = relative(ROOT, resolve(ROOT, f, '..', spec));
          const other = service(target);
          return other !== undefined && other !== service(f) && target.startsWith(`services/${other}/src/`)
            ? [`${f}: ${spec}`]
            : [];
        }),
      );
    expect(crossing).toEqual([]);
  });
});
