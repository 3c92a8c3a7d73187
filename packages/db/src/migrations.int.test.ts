import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@omnistream/logger';
import { useTestDatabase } from '@omnistream/testing';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  createPool,
  defaultMigrationsDir,
  MigrationError,
  pendingMigrations,
  readMigrationFiles,
  runMigrations,
} from './index.ts';

const logger = createLogger({ name: 'test', level: 'silent' });

// A scratch database per test (not the migrated template clone) so the runner starts from empty.
async function emptyDatabase(baseUrl: string, admin: pg.Pool) {
  const name = `${new URL(baseUrl).pathname.slice(1)}_m${Math.random().toString(36).slice(2, 8)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const pool = createPool({ connectionString: url.toString(), max: 3, logger });
  return {
    pool,
    async drop() {
      await pool.end();
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    },
  };
}

function scratchDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'omni-mig-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

describe('migration runner (real PostgreSQL)', () => {
  const db = useTestDatabase();

  it('applies the repository migrations to a fresh database and records them with checksums', async () => {
    const scratch = await emptyDatabase(db.url, db.pool);
    try {
      const status = await runMigrations({ pool: scratch.pool, dir: defaultMigrationsDir, logger });
      const files = readdirSync(defaultMigrationsDir).filter((f) => f.endsWith('.sql'));
      expect(status.pending.map((m) => m.name)).toEqual(files.sort());
      const { rows } = await scratch.pool.query(
        'SELECT name, checksum FROM schema_migrations ORDER BY version',
      );
      expect(rows.map((r) => r.name)).toEqual(files.sort());
      expect(rows[0].checksum).toMatch(/^[0-9a-f]{64}$/);
      const { rows: tables } = await scratch.pool.query(`SELECT to_regclass('integrations') AS t`);
      expect(tables[0].t).toBe('integrations');
    } finally {
      await scratch.drop();
    }
  });

  it('re-running is a no-op, and concurrent runners apply each file once', async () => {
    const scratch = await emptyDatabase(db.url, db.pool);
    const dir = scratchDir({
      '001_a.sql': 'CREATE TABLE a (id int);',
      '002_b.sql': 'CREATE TABLE b (id int); INSERT INTO b VALUES (1);',
    });
    try {
      const results = await Promise.all([
        runMigrations({ pool: scratch.pool, dir, logger }),
        runMigrations({ pool: scratch.pool, dir, logger }),
      ]);
      expect(results.map((r) => r.pending.length).sort()).toEqual([0, 2]);
      const again = await runMigrations({ pool: scratch.pool, dir, logger });
      expect(again.pending).toEqual([]);
      expect(again.applied.map((m) => m.name)).toEqual(['001_a.sql', '002_b.sql']);
      const { rows } = await scratch.pool.query('SELECT count(*)::int AS n FROM b');
      expect(rows[0].n).toBe(1);
      expect(await pendingMigrations({ pool: scratch.pool, dir })).toEqual([]);
    } finally {
      await scratch.drop();
    }
  });

  it('refuses an applied file that was edited, naming the file', async () => {
    const scratch = await emptyDatabase(db.url, db.pool);
    const dir = scratchDir({ '001_a.sql': 'CREATE TABLE a (id int);' });
    try {
      await runMigrations({ pool: scratch.pool, dir, logger });
      writeFileSync(join(dir, '001_a.sql'), 'CREATE TABLE a (id bigint);');
      await expect(runMigrations({ pool: scratch.pool, dir, logger })).rejects.toThrow(
        /migration 001_a\.sql was edited after it was applied/,
      );
      await expect(pendingMigrations({ pool: scratch.pool, dir })).rejects.toBeInstanceOf(MigrationError);
    } finally {
      await scratch.drop();
    }
  });

  it('rolls back a failing file entirely and keeps the earlier ones', async () => {
    const scratch = await emptyDatabase(db.url, db.pool);
    const dir = scratchDir({
      '001_ok.sql': 'CREATE TABLE ok (id int);',
      '002_broken.sql': 'CREATE TABLE half (id int); SELECT * FROM no_such_table;',
    });
    try {
      await expect(runMigrations({ pool: scratch.pool, dir, logger })).rejects.toThrow(
        /002_broken\.sql failed and was rolled back/,
      );
      const { rows } = await scratch.pool.query(
        `SELECT to_regclass('ok') AS ok, to_regclass('half') AS half, (SELECT count(*)::int FROM schema_migrations) AS n`,
      );
      expect(rows[0]).toEqual({ ok: 'ok', half: null, n: 1 });
      expect((await pendingMigrations({ pool: scratch.pool, dir })).map((m) => m.name)).toEqual([
        '002_broken.sql',
      ]);
    } finally {
      await scratch.drop();
    }
  });

  it('rejects badly named and duplicate-numbered files before touching the database', async () => {
    await expect(readMigrationFiles(scratchDir({ 'create_things.sql': 'SELECT 1' }))).rejects.toThrow(
      /must look like 001_description\.sql/,
    );
    await expect(
      readMigrationFiles(scratchDir({ '001_a.sql': 'SELECT 1', '001_b.sql': 'SELECT 2' })),
    ).rejects.toThrow(/share the number 1/);
  });

  it('the template database every test file gets is fully migrated', async () => {
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM schema_migrations');
    expect(rows[0].n).toBe(readdirSync(defaultMigrationsDir).filter((f) => f.endsWith('.sql')).length);
    expect(readFileSync(join(defaultMigrationsDir, '001_integrations.sql'), 'utf8')).toContain(
      'CREATE TABLE integrations',
    );
  });
});
