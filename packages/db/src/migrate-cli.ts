// `pnpm migrate`: applies migrations/ to DATABASE_URL and exits non-zero on any problem. Progress is
// logged as JSON (pino) like the services; a failure is said in plain lines on stderr, for the
// person who ran it (the error object, stack included, is logged at LOG_LEVEL=debug).
import { loadConfigOrExit, logBlock, postgresBlock, z } from '@omnistream/config';
import { createLogger } from '@omnistream/logger';
import { explainMigrateError } from './migrate-error.ts';
import { runMigrations } from './migrations.ts';
import { defaultMigrationsDir } from './migrations-dir.ts';
import { createPool } from './pool.ts';

const NAME = 'migrate';
const schema = z.object({ ...logBlock, ...postgresBlock });

async function main(): Promise<number> {
  const config = loadConfigOrExit(schema, NAME);
  const logger = createLogger({ name: 'migrate', level: config.LOG_LEVEL });
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    max: 1,
    logger,
    applicationName: 'omnistream-migrate',
  });
  try {
    const status = await runMigrations({ pool, dir: defaultMigrationsDir, logger });
    logger.info(
      { applied: status.pending.map((m) => m.name), total: status.applied.length },
      status.pending.length ? 'migrations applied' : 'database already up to date',
    );
    return 0;
  } catch (err) {
    logger.debug({ err }, 'migration failed');
    for (const line of explainMigrateError(err, config.DATABASE_URL))
      process.stderr.write(`${NAME}: ${line}\n`);
    return 1;
  } finally {
    await pool.end().catch(() => undefined);
  }
}

process.exitCode = await main();
