import { randomUUID } from 'node:crypto';
import { createLogger } from '@omnistream/logger';
import { useTestDatabase } from '@omnistream/testing';
import { Registry } from 'prom-client';
import { beforeEach, describe, expect, it } from 'vitest';
import { createRetention, RETENTION_LOCK_SQL, type RetentionSettings } from './index.ts';

const logger = createLogger({ name: 'retention-test', level: 'silent' });
const SETTINGS: RetentionSettings = {
  outboundDays: 30,
  deadLettersDays: 30,
  deadLettersUnreplayedDays: 0,
  quarantineDays: 30,
  messageLogDays: 30,
  intervalMs: 3_600_000,
  batchSize: 5_000,
};

describe('retention purge (real PostgreSQL)', () => {
  const db = useTestDatabase();
  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

  async function outbound(status: string, createdDaysAgo: number, updatedDaysAgo = createdDaysAgo) {
    const id = `${status}-${randomUUID()}`;
    await db.pool.query(
      `INSERT INTO outbound_messages (command_id, integration_id, channel, recipient, message_type, status, created_at, updated_at)
       VALUES ($1, 'int-1', 'whatsapp', '16505551234', 'text', $2, $3, $4)`,
      [id, status, daysAgo(createdDaysAgo), daysAgo(updatedDaysAgo)],
    );
    return id;
  }
  let offset = 0;
  async function deadLetter(receivedDaysAgo: number, replayedDaysAgo: number | null) {
    offset += 1;
    const { rows } = await db.pool.query<{ id: string }>(
      `INSERT INTO dead_letters (topic, partition, kafka_offset, reason, record, dead_lettered_at, received_at, replayed_at)
       VALUES ('dlq', 0, $1, 'graph_error', '{}', $2, $2, $3) RETURNING id`,
      [offset, daysAgo(receivedDaysAgo), replayedDaysAgo === null ? null : daysAgo(replayedDaysAgo)],
    );
    return (rows[0] as { id: string }).id;
  }
  const outboundIds = async () =>
    new Set((await db.pool.query('SELECT command_id FROM outbound_messages')).rows.map((r) => r.command_id));
  const deadLetterIds = async () =>
    new Set((await db.pool.query('SELECT id FROM dead_letters')).rows.map((r) => String(r.id)));
  const purgedMetric = async (registry: Registry, table: string) => {
    const metric = await registry.getSingleMetric('omnistream_retention_purged_rows_total')?.get();
    return metric?.values.find((v) => v.labels.table === table)?.value ?? 0;
  };

  beforeEach(async () => {
    await db.pool.query('TRUNCATE outbound_messages, dead_letters');
  });

  it('deletes exactly the settled outbound messages and replayed dead letters older than the cutoff', async () => {
    const gone = [
      await outbound('sent', 40),
      await outbound('delivered', 31),
      await outbound('read', 90),
      await outbound('played', 40),
      await outbound('failed', 45, 35),
    ];
    const kept = [
      // In flight (or stuck, for an admin to see): never deleted, however old.
      await outbound('queued', 400),
      await outbound('sending', 400),
      // Created long ago, but a status arrived recently.
      await outbound('read', 40, 5),
      await outbound('delivered', 29),
      await outbound('failed', 1),
    ];
    await deadLetter(60, 40);
    const replayedRecently = await deadLetter(60, 3);
    const neverReplayed = await deadLetter(400, null);

    const registry = new Registry();
    const pass = await createRetention({ pool: db.pool, logger, registry, settings: SETTINGS }).runOnce();

    expect(pass.ran).toBe(true);
    expect(pass.deleted).toMatchObject({ outbound_messages: 5, dead_letters: 1 });
    expect(await outboundIds()).toEqual(new Set(kept));
    for (const id of gone) expect(await outboundIds()).not.toContain(id);
    expect(await deadLetterIds()).toEqual(new Set([replayedRecently, neverReplayed]));
    expect(await purgedMetric(registry, 'outbound_messages')).toBe(5);
    expect(await purgedMetric(registry, 'dead_letters')).toBe(1);
  });

  it('deletes in batches of RETENTION_BATCH_SIZE until nothing old is left', async () => {
    for (let i = 0; i < 7; i++) await outbound('delivered', 50);
    const recent = await outbound('delivered', 2);
    const statements: string[] = [];
    // Counts the DELETE statements the purge sends on its connection.
    const counting = {
      connect: async () => {
        const client = await db.pool.connect();
        const query = client.query.bind(client) as (...args: unknown[]) => unknown;
        (client as unknown as { query: unknown }).query = (...args: unknown[]) => {
          if (typeof args[0] === 'string' && args[0].startsWith('DELETE')) statements.push(args[0]);
          return query(...args);
        };
        return client;
      },
    } as unknown as typeof db.pool;

    const pass = await createRetention({
      pool: counting,
      logger,
      settings: { ...SETTINGS, batchSize: 3 },
    }).runOnce();

    expect(pass.deleted.outbound_messages).toBe(7);
    expect(await outboundIds()).toEqual(new Set([recent]));
    // 3 + 3 + 1 for outbound_messages, then one (empty) statement for dead_letters.
    expect(statements.filter((s) => s.includes('outbound_messages'))).toHaveLength(3);
  });

  it('skips the pass while another process holds the purge lock, and runs once it is free', async () => {
    const old = await outbound('read', 60);
    const other = await db.pool.connect();
    try {
      await other.query(`SELECT pg_advisory_lock(${RETENTION_LOCK_SQL})`);
      const retention = createRetention({ pool: db.pool, logger, settings: SETTINGS });
      expect(await retention.runOnce()).toEqual({ ran: false, deleted: {} });
      expect(await outboundIds()).toEqual(new Set([old]));

      await other.query(`SELECT pg_advisory_unlock(${RETENTION_LOCK_SQL})`);
      expect((await retention.runOnce()).deleted.outbound_messages).toBe(1);
      expect(await outboundIds()).toEqual(new Set());
    } finally {
      other.release();
    }
  });

  it('two replicas purging at the same moment delete each row once', async () => {
    for (let i = 0; i < 20; i++) await outbound('sent', 40);
    const replicas = [1, 2].map(() =>
      createRetention({ pool: db.pool, logger, settings: { ...SETTINGS, batchSize: 2 } }),
    );
    const passes = await Promise.all(replicas.map((r) => r.runOnce()));
    const deleted = passes.reduce((sum, p) => sum + (p.deleted.outbound_messages ?? 0), 0);
    expect(deleted).toBe(20);
    expect(await outboundIds()).toEqual(new Set());
  });

  it('quarantined webhooks: deleted after RETENTION_QUARANTINE_DAYS; a database without the table is purged all the same', async () => {
    // Stand-in with the columns the rule reads, whatever the ingestor's migration adds besides.
    await db.pool.query('DROP TABLE IF EXISTS inbound_spool_quarantine');
    const old = await outbound('read', 60);
    const withoutTable = await createRetention({ pool: db.pool, logger, settings: SETTINGS }).runOnce();
    expect(withoutTable.deleted).not.toHaveProperty('inbound_spool_quarantine');
    expect(withoutTable.deleted.outbound_messages).toBe(1);
    expect(await outboundIds()).not.toContain(old);

    await db.pool.query(
      'CREATE TABLE inbound_spool_quarantine (id bigserial PRIMARY KEY, quarantined_at timestamptz NOT NULL)',
    );
    await db.pool.query(
      `INSERT INTO inbound_spool_quarantine (quarantined_at) VALUES
         (now() - interval '31 days'), (now() - interval '90 days'), (now() - interval '29 days'), (now())`,
    );
    const registry = new Registry();
    const pass = await createRetention({ pool: db.pool, logger, registry, settings: SETTINGS }).runOnce();
    expect(pass.deleted.inbound_spool_quarantine).toBe(2);
    const { rows } = await db.pool.query<{ days: number }>(
      `SELECT extract(day FROM now() - quarantined_at)::int AS days FROM inbound_spool_quarantine ORDER BY 1`,
    );
    expect(rows.map((r) => r.days)).toEqual([0, 29]);
    expect(await purgedMetric(registry, 'inbound_spool_quarantine')).toBe(2);
  });

  it('0 keeps rows forever; unreplayed dead letters go only with their own setting', async () => {
    const veryOld = await outbound('read', 3_000);
    const replayed = await deadLetter(3_000, 2_000);
    const unreplayed = await deadLetter(400, null);

    const keepAll = await createRetention({
      pool: db.pool,
      logger,
      settings: { ...SETTINGS, outboundDays: 0, deadLettersDays: 0, quarantineDays: 0, messageLogDays: 0 },
    }).runOnce();
    expect(keepAll.ran).toBe(false);
    expect(await outboundIds()).toEqual(new Set([veryOld]));
    expect(await deadLetterIds()).toEqual(new Set([replayed, unreplayed]));

    const unreplayedToo = await createRetention({
      pool: db.pool,
      logger,
      settings: { ...SETTINGS, outboundDays: 0, deadLettersDays: 0, deadLettersUnreplayedDays: 365 },
    }).runOnce();
    expect(unreplayedToo.deleted).toMatchObject({ dead_letters: 1 });
    expect(unreplayedToo.deleted).not.toHaveProperty('outbound_messages');
    expect(await deadLetterIds()).toEqual(new Set([replayed]));
  });
});
