// `pnpm build`: bundles each service's TypeScript (its own sources and the @omnistream/* packages it
// uses) into one JavaScript file, services/<name>/dist/main.js, which its `start:<name>` script runs.
// Dependencies from npm stay outside the bundle, imported from node_modules by relative path, so
// they load exactly as they would from the sources (pino's worker files, pg, kafkajs' patch).
//
// Why a bundle and not Node's type stripping: a service started from .ts loads Node's TypeScript
// stripper (a WebAssembly module) and keeps it for its whole life, ~17 MB of resident memory that
// does nothing after start-up; one file also means fewer module records. Measured on the ingestor
// with three 3 MB webhooks in a row (services/webhook-ingestor/test/webhook-large.int.test.ts):
// idle 112 → 94 MiB, peak 154 → 137 MiB. See docs/benchmarks.md.
//
// It takes ~0.2 s per service, so everything that starts a service process builds first: setup,
// `pnpm dev`, the benchmarks and the test run's global set-up. Type errors are `pnpm typecheck`'s
// job (the bundler only strips types).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';
import { buildConsole } from './build-console.ts';
import { SERVICES, type ServiceName } from './service-command.ts';

const ROOT = join(import.meta.dirname, '..');

export function bundlePath(service: ServiceName, root = ROOT): string {
  return join(root, 'services', service, 'dist', 'main.js');
}

/**
 * A bundle moves code that finds files next to itself (`new URL('…', import.meta.url)`) to another
 * folder. Each such path must still exist from the bundle; the build fails naming it otherwise.
 */
export function checkFileReferences(bundle: string): string[] {
  const code = readFileSync(bundle, 'utf8');
  const missing: string[] = [];
  for (const match of code.matchAll(/new URL\(\s*"([^"]+)",\s*import\.meta\.url\s*\)/g)) {
    const target = fileURLToPath(new URL(match[1] as string, `file://${bundle}`));
    if (!existsSync(target)) missing.push(`${match[1]} (${relative(ROOT, target)})`);
  }
  return missing;
}

export async function buildServices(root = ROOT): Promise<string[]> {
  // The gateway serves the console's files: they exist before its bundle is checked.
  await buildConsole();
  const outputs: string[] = [];
  for (const service of SERVICES) {
    const file = bundlePath(service, root);
    await build({
      input: join(root, 'services', service, 'src', 'main.ts'),
      platform: 'node',
      logLevel: 'warn',
      plugins: [
        {
          name: 'npm-dependencies-stay-external',
          async resolveId(source, importer, options) {
            const own = source.startsWith('.') || source.startsWith('/') || source.startsWith('@omnistream/');
            if (own || source.startsWith('node:') || importer === undefined) return null;
            const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
            return resolved ? { id: resolved.id, external: 'relative' } : null;
          },
        },
      ],
      output: { file, format: 'esm', sourcemap: true },
    });
    const missing = checkFileReferences(file);
    if (missing.length > 0)
      throw new Error(
        `${relative(root, file)} refers to files that do not exist from there: ${missing.join(', ')}`,
      );
    outputs.push(file);
  }
  return outputs;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const outputs = await buildServices();
  const took = Math.round(performance.now() - started);
  console.log(
    `build: ${outputs.map((o) => relative(ROOT, dirname(dirname(o)))).join(', ')} bundled (and the console built) in ${took} ms`,
  );
}
