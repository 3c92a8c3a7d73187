import { Writable } from 'node:stream';
import { createLogger } from '@omnistream/logger';
import { startTcpProxy, until, useTestDatabase } from '@omnistream/testing';
import { describe, expect, it } from 'vitest';
import { createPool } from './pool.ts';

describe('createPool (real PostgreSQL behind a TCP proxy)', () => {
  const db = useTestDatabase();

  it('survives losing the connection of a checked-out client between queries, and logs it', async () => {
    const target = new URL(db.url);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const lines: string[] = [];
    const logger = createLogger({
      name: 'test',
      level: 'warn',
      destination: new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    const url = new URL(db.url);
    url.host = proxy.address;
    const pool = createPool({ connectionString: url.toString(), logger, max: 2 });
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      // Held between queries, as the spool relay holds its client while Kafka acknowledges.
      const client = await pool.connect();
      await client.query('SELECT 1');
      await proxy.cut();
      // The idle client's error event is what the pool logs; it must not be an uncaught exception.
      await until(
        () => lines.some((l) => l.includes('PostgreSQL connection of a client in use failed')),
        Boolean,
        10_000,
      );
      expect(uncaught).toEqual([]);
      await expect(client.query('SELECT 1')).rejects.toThrow();
      client.release(true);
      await proxy.restore();
      // The pool hands out a working connection again.
      expect((await pool.query('SELECT 1 AS one')).rows[0]).toEqual({ one: 1 });
    } finally {
      process.off('uncaughtException', onUncaught);
      await pool.end();
      await proxy.close();
    }
  });
});
