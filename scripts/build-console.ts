// The console's build (docs/console.md): Vite writes services/api-gateway/console/dist, which the
// api-gateway serves at /console. Run by `pnpm build` before the services are bundled (the
// gateway's bundle checks that the folder exists). Vite is the console package's own dependency,
// so it runs from there as its CLI would.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

const ROOT = join(import.meta.dirname, '..');
export const CONSOLE_ROOT = join(ROOT, 'services', 'api-gateway', 'console');

export async function buildConsole(): Promise<void> {
  const vite = join(CONSOLE_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  await promisify(execFile)(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: CONSOLE_ROOT });
}

/** Bytes of JavaScript, gzipped, that the first load of the console fetches: every .js asset. */
export function consoleScriptBytesGzipped(dir = join(CONSOLE_ROOT, 'dist')): number {
  return readdirSync(join(dir, 'assets'))
    .filter((f) => f.endsWith('.js'))
    .reduce((sum, f) => sum + gzipSync(readFileSync(join(dir, 'assets', f)), { level: 9 }).length, 0);
}
