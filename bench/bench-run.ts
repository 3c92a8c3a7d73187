// What every benchmark script does the same way: read BENCH_* numbers, keep its raw results and
// its docs/benchmarks.md section, and run its main with the clean-up of benchRun (children.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeDocsSection } from './graph-report.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A positive number from a BENCH_* variable, or the fallback when it is unset. */
export function envNumber(env: NodeJS.ProcessEnv) {
  return (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
    return n;
  };
}

/** Writes the raw results to `rawFile`, and the section into docs/benchmarks.md when asked to. */
export function saveResults(options: {
  rawFile: string;
  raw: unknown;
  section: string;
  title: string;
  writeDocs: boolean;
  log: (line: string) => void;
}): void {
  writeFileSync(options.rawFile, JSON.stringify(options.raw, null, 2));
  options.log(`raw results: ${options.rawFile}`);
  if (options.writeDocs) {
    writeDocsSection(join(ROOT, 'docs/benchmarks.md'), options.section, options.title);
    options.log('docs/benchmarks.md updated');
  } else {
    options.log('short run: docs/benchmarks.md left alone (BENCH_WRITE_DOCS=1 writes it anyway)');
  }
}

/**
 * Runs `main`, then the clean-up, and exits: whatever a failed run left behind (a timer, a
 * keep-alive socket) must not keep the script alive. After Ctrl-C, what then fails is no news.
 */
export async function runMain(
  main: () => Promise<void>,
  run: { cleanup: () => Promise<void>; interrupted: () => boolean },
): Promise<never> {
  try {
    await main();
  } catch (err) {
    if (!run.interrupted()) console.error(err);
    process.exitCode = 1;
  } finally {
    await run.cleanup();
  }
  process.exit();
}
