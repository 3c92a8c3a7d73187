import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@omnistream/logger';
import type { Pool, PoolClient } from './pool.ts';

export interface MigrationFile {
  version: number;
  name: string;
  checksum: string;
  sql: string;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

const FILE_PATTERN = /^(\d{3,})_([a-z0-9][a-z0-9_-]*)\.sql$/;
// Any constant works; it only has to be the same for every process running migrations, so two
// services starting together apply each file once.
const ADVISORY_LOCK_KEY = 7_351_001;

/** Reads numbered plain-SQL files from `dir`, sorted by number, refusing gaps in naming rules. */
export async function readMigrationFiles(dir: string): Promise<MigrationFile[]> {
  const entries = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const files: MigrationFile[] = [];
  const seen = new Map<number, string>();
  for (const name of entries) {
    const match = FILE_PATTERN.exec(name);
    if (!match) throw new MigrationError(`migration file name "${name}" must look like 001_description.sql`);
    const version = Number(match[1]);
    const other = seen.get(version);
    if (other) throw new MigrationError(`migrations "${other}" and "${name}" share the number ${version}`);
    seen.set(version, name);
    const sql = await readFile(join(dir, name), 'utf8');
    files.push({ version, name, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return files.sort((a, b) => a.version - b.version);
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

export interface MigrationStatus {
  applied: MigrationFile[];
  pending: MigrationFile[];
}

async function ensureTable(client: PoolClient): Promise<void> {
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
}

function compare(files: MigrationFile[], rows: AppliedRow[]): MigrationStatus {
  const byVersion = new Map(rows.map((r) => [r.version, r]));
  const applied: MigrationFile[] = [];
  const pending: MigrationFile[] = [];
  for (const file of files) {
    const row = byVersion.get(file.version);
    if (!row) {
      pending.push(file);
      continue;
    }
    if (row.checksum !== file.checksum) {
      throw new MigrationError(
        `migration ${file.name} was edited after it was applied (recorded checksum ${row.checksum.slice(0, 12)}…, ` +
          `file now ${file.checksum.slice(0, 12)}…); add a new numbered migration instead of changing an applied one`,
      );
    }
    applied.push(file);
  }
  const lastApplied = Math.max(0, ...rows.map((r) => r.version));
  const outOfOrder = pending.find((p) => p.version < lastApplied);
  if (outOfOrder) {
    throw new MigrationError(
      `migration ${outOfOrder.name} is older than the newest applied one (${lastApplied}); renumber it after ${lastApplied}`,
    );
  }
  return { applied, pending };
}

/**
 * Applies every pending migration in `dir`, each file in its own transaction, recording it in
 * schema_migrations with its checksum. Re-running is a no-op; an applied file that changed is an
 * error. A session advisory lock serialises concurrent runners.
 */
export async function runMigrations(options: {
  pool: Pool;
  dir: string;
  logger: Logger;
}): Promise<MigrationStatus> {
  const files = await readMigrationFiles(options.dir);
  const client = await options.pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_KEY]);
    try {
      await ensureTable(client);
      const { rows } = await client.query<AppliedRow>(
        'SELECT version, name, checksum FROM schema_migrations',
      );
      const status = compare(files, rows);
      for (const file of status.pending) {
        await client.query('BEGIN');
        try {
          await client.query(file.sql);
          await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
            file.version,
            file.name,
            file.checksum,
          ]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new MigrationError(
            `migration ${file.name} failed and was rolled back: ${(err as Error).message}`,
            {
              cause: err,
            },
          );
        }
        options.logger.info({ migration: file.name }, 'migration applied');
      }
      return { applied: [...status.applied, ...status.pending], pending: status.pending };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
}

/**
 * For a service's start-up check: the migrations not yet applied (empty when up to date). Throws
 * the same MigrationError as runMigrations when an applied file was edited.
 */
export async function pendingMigrations(options: { pool: Pool; dir: string }): Promise<MigrationFile[]> {
  const files = await readMigrationFiles(options.dir);
  const { rows } = await options.pool
    .query<AppliedRow>(`SELECT version, name, checksum FROM schema_migrations`)
    .catch((err: { code?: string }) => {
      if (err.code === '42P01') return { rows: [] as AppliedRow[] };
      throw err;
    });
  return compare(files, rows).pending;
}
