// docs/services.md lists every metric the services register; this keeps the list whole.
import { globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');

function registeredNames(): string[] {
  const names = new Set<string>();
  const sources = globSync(['packages/*/src/**/*.ts', 'services/*/src/**/*.ts'], { cwd: root }).filter(
    (f) => !f.endsWith('.test.ts'),
  );
  for (const file of sources) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const m of text.matchAll(/new (?:Counter|Gauge|Histogram|Summary)\(\{\s*name: '([a-z_]+)'/g)) {
      names.add(m[1] as string);
    }
  }
  return [...names].sort();
}

describe('metrics', () => {
  const names = registeredNames();

  it('share the omnistream_ prefix', () => {
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((n) => !n.startsWith('omnistream_'))).toEqual([]);
  });

  it('are each listed in docs/services.md', () => {
    const doc = readFileSync(join(root, 'docs/services.md'), 'utf8');
    expect(names.filter((n) => !doc.includes(`| \`${n}`))).toEqual([]);
  });
});
