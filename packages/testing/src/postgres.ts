import { createPool, defaultMigrationsDir, runMigrations } from '@omnistream/db';
import { createLogger } from '@omnistream/logger';
import pg from 'pg';
import { dockerAvailable } from './container-runtime.ts';

export interface TestPostgres {
  /** Connection string of a database the harness may CREATE/DROP databases from. */
  adminUrl: string;
  /** Name of the migrated template every test file's database is cloned from. */
  templateDatabase: string;
  kind: 'env' | 'testcontainers' | 'local';
  description: string;
  stop(): Promise<void>;
}

const LOCAL_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(baseUrl: string, database: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Host, port and database of a URL, without its password, for "which database did we use" lines. */
export function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.username ? `${u.username}@` : ''}${u.hostname}:${u.port || '5432'}${u.pathname}`;
}

async function canConnect(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The PostgreSQL for a test run: DATABASE_URL when set; else a testcontainers PostgreSQL 16 when
 * a Docker engine answers; else the local server on 127.0.0.1:5432. Creates and migrates a
 * template database. Fails (never skips) with what it tried when none can be had.
 */
export async function startTestPostgres(runId: string): Promise<TestPostgres> {
  let adminUrl: string;
  let kind: TestPostgres['kind'];
  let stopContainer = async () => {};
  const tried: string[] = [];

  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
    kind = 'env';
  } else {
    const docker = await dockerAvailable();
    if (docker.available) {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const container = await new PostgreSqlContainer('postgres:16-alpine').start();
      adminUrl = container.getConnectionUri();
      kind = 'testcontainers';
      stopContainer = async () => {
        await container.stop();
      };
    } else {
      tried.push(`testcontainers: ${docker.reason}`);
      adminUrl = LOCAL_URL;
      kind = 'local';
    }
  }

  const failure = await canConnect(adminUrl);
  if (failure) {
    tried.push(`${kind === 'env' ? 'DATABASE_URL' : kind} ${describeUrl(adminUrl)}: ${failure}`);
    throw new Error(
      `No PostgreSQL for the tests. Tried:\n  - ${tried.join('\n  - ')}\n` +
        'Set DATABASE_URL, start a Docker engine, or start the local server ' +
        '(pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start).',
    );
  }

  const templateDatabase = `omni_tpl_${runId}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${templateDatabase}`);
    await admin.query(`CREATE DATABASE ${templateDatabase}`);
  } finally {
    await admin.end();
  }
  const logger = createLogger({ name: 'test-harness', level: 'warn' });
  const pool = createPool({ connectionString: databaseUrl(adminUrl, templateDatabase), max: 1, logger });
  try {
    await runMigrations({ pool, dir: defaultMigrationsDir, logger });
  } finally {
    await pool.end();
  }

  return {
    adminUrl,
    templateDatabase,
    kind,
    description: `PostgreSQL (${kind}) at ${describeUrl(adminUrl)}, template ${templateDatabase}`,
    async stop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        // Per-file databases are dropped by their files; this catches any a crashed worker left.
        const { rows } = await client.query<{ datname: string }>(
          `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2`,
          [`omni_t_${runId}_%`, templateDatabase],
        );
        for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
      } finally {
        await client.end();
      }
      await stopContainer();
    },
  };
}
