import { open } from 'node:fs/promises';
import { join } from 'node:path';

/** Pre-declared scratch topics of a broker that cannot create usable topics at run time (mokapi). */
export interface TopicPool {
  /** Directory where claims are recorded, one file per topic taken. */
  dir: string;
  prefix: string;
  size: number;
  partitions: number;
}

/**
 * Takes the first unclaimed topic of the pool. A claim is a file created with O_EXCL, which the
 * file system grants to exactly one process, so claims hold across vitest's forked workers and
 * across test files for the life of the broker (its stop() removes the directory).
 */
export async function claimPoolTopic(pool: TopicPool): Promise<string> {
  for (let i = 0; i < pool.size; i++) {
    try {
      const handle = await open(join(pool.dir, String(i)), 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return `${pool.prefix}${i}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new Error(
    `all ${pool.size} scratch topics of the test broker are taken; raise scratchTopics in startKafkaBroker()`,
  );
}
