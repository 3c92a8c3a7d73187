import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { freePorts, useTestDatabase } from '@omnistream/testing';
import { describe, expect, inject, it } from 'vitest';

const CLI = join(import.meta.dirname, 'migrate-cli.ts');

/** `pnpm migrate` as a person runs it, against `databaseUrl`. */
async function migrate(databaseUrl: string) {
  const child = spawn(process.execPath, [CLI], {
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += String(d);
  });
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  const [code] = (await once(child, 'exit')) as [number];
  return { code, stdout, stderr: stderr.trim().split('\n') };
}

describe('pnpm migrate (migrate-cli.ts): what a person sees', () => {
  const db = useTestDatabase();

  it('no PostgreSQL at DATABASE_URL: exit 1, the error in one line and where it looked, without the password', async () => {
    const [port] = await freePorts(1);
    const { code, stdout, stderr } = await migrate(
      `postgres://omni:hunter2secret@127.0.0.1:${port}/omnistream`,
    );
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toEqual([
      `migrate: migration failed: connect ECONNREFUSED 127.0.0.1:${port}`,
      `migrate: is PostgreSQL running at postgres://omni@127.0.0.1:${port}/omnistream? check DATABASE_URL`,
    ]);
  });

  it('a database that does not exist: exit 1, says so and what to do', async () => {
    const url = new URL(inject('postgresAdminUrl'));
    url.pathname = '/omni_no_such_database';
    const { code, stderr } = await migrate(url.toString());
    expect(code).toBe(1);
    expect(stderr).toHaveLength(2);
    expect(stderr[0]).toBe(
      'migrate: migration failed: database "omni_no_such_database" does not exist (3D000)',
    );
    expect(stderr[1]).toContain('does not exist; create it (createdb) or fix DATABASE_URL');
  });

  it('an up-to-date database: exit 0, JSON progress on stdout, nothing on stderr', async () => {
    const { code, stdout, stderr } = await migrate(db.url);
    expect(code).toBe(0);
    expect(stderr).toEqual(['']);
    expect(JSON.parse(stdout.trim().split('\n').at(-1) as string)).toMatchObject({
      msg: 'database already up to date',
    });
  });
});
