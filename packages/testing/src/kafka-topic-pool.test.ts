import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { claimPoolTopic, type TopicPool } from './kafka-topic-pool.ts';

const run = promisify(execFile);
const poolModule = fileURLToPath(new URL('./kafka-topic-pool.ts', import.meta.url));
const dirs: string[] = [];

async function pool(size: number): Promise<TopicPool> {
  const dir = await mkdtemp(join(tmpdir(), 'omnistream-pool-test-'));
  dirs.push(dir);
  return { dir, prefix: 'omnistream.test.', size, partitions: 3 };
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('scratch topic pool', () => {
  it('never hands the same topic to two processes claiming at the same time', async () => {
    const p = await pool(64);
    // Four separate node processes, like vitest's forked workers, each claiming ten topics at once.
    const script = `
      const { claimPoolTopic } = await import(${JSON.stringify(poolModule)});
      const pool = JSON.parse(process.argv[1]);
      const names = await Promise.all(Array.from({ length: 10 }, () => claimPoolTopic(pool)));
      console.log(JSON.stringify(names));`;
    const outputs = await Promise.all(
      [1, 2, 3, 4].map(() => run(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(p)])),
    );
    const claimed = outputs.flatMap((o) => JSON.parse(o.stdout) as string[]);
    expect(claimed).toHaveLength(40);
    expect(new Set(claimed).size).toBe(40);
    expect(claimed.every((t) => /^omnistream\.test\.\d+$/.test(t))).toBe(true);
  });

  it('says how to get more when the pool is used up', async () => {
    const p = await pool(2);
    await claimPoolTopic(p);
    await claimPoolTopic(p);
    await expect(claimPoolTopic(p)).rejects.toThrow(
      /all 2 scratch topics .* raise scratchTopics in startKafkaBroker/,
    );
  });
});
