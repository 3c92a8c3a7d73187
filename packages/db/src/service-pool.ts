import type { Logger } from '@omnistream/logger';
import { pendingMigrations } from './migrations.ts';
import { defaultMigrationsDir } from './migrations-dir.ts';
import { createPool, type Pool } from './pool.ts';

/**
 * A service's start-up: its pool, and the check that every migration is applied. A service never
 * migrates on its own (several replicas starting together, or a rollback, must not race on DDL):
 * it refuses to start and says to run `pnpm migrate`. Exits the process with code 1 in that case.
 */
export async function openServicePool(options: {
  service: string;
  connectionString: string;
  max: number;
  /** DATABASE_CONNECT_TIMEOUT_MS and DATABASE_QUERY_TIMEOUT_MS, for a service that reads them. */
  connectTimeoutMs?: number;
  queryTimeoutMs?: number;
  logger: Logger;
}): Promise<Pool> {
  const pool = createPool({
    connectionString: options.connectionString,
    max: options.max,
    ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
    ...(options.queryTimeoutMs === undefined ? {} : { queryTimeoutMs: options.queryTimeoutMs }),
    logger: options.logger,
    applicationName: `omnistream-${options.service}`,
  });
  const pending = await pendingMigrations({ pool, dir: defaultMigrationsDir });
  if (pending.length > 0) {
    options.logger.fatal(
      { pending: pending.map((m) => m.name) },
      'database is not migrated; run `pnpm migrate` first',
    );
    await pool.end();
    process.exit(1);
  }
  return pool;
}
