// The development database: created on first use, so `pnpm dev` needs nothing but a PostgreSQL.
import { describeUrl } from '@omnistream/testing/harness';
import { createPool } from '../../packages/db/src/index.ts';
import { createLogger } from '../../packages/logger/src/index.ts';

/** Connects to `url`'s database, creating it first when it does not exist; true when created. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const logger = createLogger({ name: 'dev', level: 'silent' });
  const probe = createPool({ connectionString: url, max: 1, logger, applicationName: 'omnistream-dev' });
  try {
    await probe.query('SELECT 1');
    return false;
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000') {
      throw new Error(
        `PostgreSQL at ${describeUrl(url)} does not answer (${(err as Error).message}); start it, or set DATABASE_URL`,
      );
    }
  } finally {
    await probe.end();
  }
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const admin = createPool({ connectionString: maintenance.toString(), max: 1, logger });
  try {
    await admin.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
    return true;
  } catch (err) {
    // 42P04: created by someone else in between.
    if ((err as { code?: string }).code === '42P04') return false;
    throw new Error(`cannot create database ${name} at ${describeUrl(url)}: ${(err as Error).message}`);
  } finally {
    await admin.end();
  }
}
