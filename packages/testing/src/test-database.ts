import { randomBytes } from 'node:crypto';
import { createPool, type Pool } from '@omnistream/db';
import { createLogger } from '@omnistream/logger';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { databaseUrl } from './postgres.ts';

export interface TestDatabase {
  /** Connection string of this test file's own database. */
  url: string;
  name: string;
  pool: Pool;
}

/** Creates a fresh database for the calling test file, cloned from the migrated template. */
export async function createTestDatabase(): Promise<TestDatabase & { drop(): Promise<void> }> {
  const adminUrl = inject('postgresAdminUrl');
  const template = inject('postgresTemplate');
  const runId = inject('testRunId');
  const name = `omni_t_${runId}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // CREATE DATABASE … TEMPLATE fails while another session is copying the same template
    // (55006, "being accessed by other users"); parallel test files make that a real race.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
        break;
      } catch (err) {
        if ((err as { code?: string }).code !== '55006' || attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  const url = databaseUrl(adminUrl, name);
  const pool = createPool({
    connectionString: url,
    max: 5,
    logger: createLogger({ name: 'test-db', level: 'error' }),
  });
  return {
    url,
    name,
    pool,
    async drop() {
      await pool.end();
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * Vitest fixture: a fresh migrated database for this test file, dropped after it. Read its
 * fields inside tests or hooks (they are filled in beforeAll).
 */
export function useTestDatabase(): TestDatabase {
  const holder = {} as TestDatabase;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const db = await createTestDatabase();
    Object.assign(holder, { url: db.url, name: db.name, pool: db.pool });
    drop = db.drop;
  });
  afterAll(async () => {
    await drop?.();
  });
  return holder;
}
