import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundlePath, checkFileReferences } from './build-services.ts';
import { SERVICES, serviceCommand } from './service-command.ts';

const ROOT = join(import.meta.dirname, '..');

describe('the service bundles (pnpm build)', () => {
  // The test run's global set-up built them from these sources.
  it.each(SERVICES)(
    '%s: its start script runs its bundle, which holds no TypeScript and no workspace import',
    (service) => {
      expect(serviceCommand(service).entry).toBe(`services/${service}/dist/main.js`);
      const code = readFileSync(bundlePath(service), 'utf8');
      const imports = [...code.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1] as string);
      expect(imports.length).toBeGreaterThan(5);
      for (const specifier of imports) {
        // Node built-ins, or an npm package's JavaScript in node_modules, by relative path.
        expect(specifier).toMatch(/^node:|^(\.\.\/)+node_modules\/\.pnpm\/.+\.(c|m)?js$/);
      }
      expect(code).not.toMatch(/from "@omnistream\//);
      expect(checkFileReferences(bundlePath(service))).toEqual([]);
    },
  );

  it('finds a file reference a bundle would break', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-bundle-'));
    mkdirSync(join(dir, 'present'));
    const bundle = join(dir, 'main.js');
    writeFileSync(
      bundle,
      'const a = new URL("./present", import.meta.url);\nconst b = new URL("../../nowhere/migrations", import.meta.url);\n',
    );
    expect(checkFileReferences(bundle)).toEqual([expect.stringContaining('../../nowhere/migrations')]);
  });

  it('the migrations folder the services find from their bundles is the repository one', () => {
    const code = readFileSync(bundlePath('webhook-ingestor'), 'utf8');
    const match = /new URL\("([^"]+migrations)", import\.meta\.url\)/.exec(code);
    expect(match?.[1]).toBeDefined();
    expect(new URL(match?.[1] as string, `file://${bundlePath('webhook-ingestor')}`).pathname).toBe(
      join(ROOT, 'migrations'),
    );
  });
});
