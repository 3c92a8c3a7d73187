// The processes of the ingest benchmark other than the ingestor: the bare-Fastify ceiling and the
// load generator, plus a probe of what running .ts sources costs in memory.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Child, spawnNode } from './children.ts';
import type { LoadOptions, LoadResult } from './load.ts';

const BENCH_DIR = new URL('.', import.meta.url).pathname;
const childEnv = () => ({ PATH: process.env.PATH ?? '/usr/bin:/bin' });

/** Starts bench/bare-fastify.ts on `port`; resolves once it listens. */
export async function startBareFastify(options: { port: number; cwd: string }): Promise<Child> {
  let listening: () => void = () => {};
  const up = new Promise<void>((resolve) => {
    listening = resolve;
  });
  const bare = spawnNode({
    name: 'bare-fastify',
    args: [join(BENCH_DIR, 'bare-fastify.ts'), String(options.port), '127.0.0.1'],
    cwd: options.cwd,
    env: childEnv(),
    onStdoutLine: (line) => line === 'listening' && listening(),
  });
  await Promise.race([
    up,
    bare.exited.then(() => {
      throw new Error(`bare-fastify exited:\n${bare.tail()}`);
    }),
  ]);
  return bare;
}

/**
 * Runs bench/load.ts with `options`. `onStarted` fires when autocannon begins (after the request
 * file is loaded), so CPU sampling covers the load and not the generator's start-up.
 */
export async function runLoadProcess(options: {
  load: LoadOptions;
  cwd: string;
  onStarted: () => void;
}): Promise<LoadResult> {
  let output = '';
  const load = spawnNode({
    name: 'load',
    args: [join(BENCH_DIR, 'load.ts'), JSON.stringify(options.load)],
    cwd: options.cwd,
    env: childEnv(),
    onStdoutLine: (line) => {
      if (line === 'started') options.onStarted();
      else output = line;
    },
  });
  const exit = await load.exited;
  if (exit.code !== 0 || output === '')
    throw new Error(`load generator failed (${exit.code}):\n${load.tail()}`);
  return JSON.parse(output) as LoadResult;
}

/** RSS of an empty .ts script minus that of an empty .js one: what Node's type stripping costs. */
export async function typeStrippingCost(dir: string): Promise<number | null> {
  const probe = "setTimeout(() => process.stdout.write(String(process.memoryUsage().rss) + '\\n'), 300);";
  const rssOf = async (file: string) => {
    writeFileSync(join(dir, file), file.endsWith('.ts') ? `const n: number = 1;\nvoid n;\n${probe}` : probe);
    let out = '';
    const child = spawnNode({
      name: file,
      args: [join(dir, file)],
      cwd: dir,
      env: {},
      onStdoutLine: (l) => {
        out = l;
      },
    });
    await child.exited;
    return Number(out);
  };
  const js = await rssOf('probe.js');
  const ts = await rssOf('probe.ts');
  return Number.isFinite(js) && Number.isFinite(ts) && js > 0 && ts > 0 ? (ts - js) / 1024 / 1024 : null;
}
