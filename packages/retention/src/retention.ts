// The periodic purge of old rows (docs/services.md, "Retention"): one pass at start and then every
// interval, by one process at a time, in bounded DELETE statements.
import type { Pool, PoolClient } from '@omnistream/db';
import type { Logger } from '@omnistream/logger';
import { Counter, type Registry } from 'prom-client';
import { type RetentionDays, type RetentionRule, retentionRules } from './retention-rules.ts';

/**
 * Session advisory lock key: every replica of the api-gateway runs the purge, and only the one
 * holding the lock does the work of a pass; the others skip that pass.
 */
export const RETENTION_LOCK_SQL = `hashtextextended('omnistream.retention', 0)`;

export interface RetentionSettings extends RetentionDays {
  intervalMs: number;
  batchSize: number;
}

export interface RetentionPass {
  /** False when another process held the lock, or the purge was stopped. */
  ran: boolean;
  /** Rows deleted per table in this pass. */
  deleted: Record<string, number>;
}

export interface Retention {
  /** One pass now (a pass already running is shared, not doubled). */
  runOnce(): Promise<RetentionPass>;
  /** No new pass; a running one stops after its current statement. */
  stop(): Promise<void>;
}

/** The RETENTION_* variables (packages/config, retentionBlock) as settings. */
export function retentionSettings(config: {
  RETENTION_OUTBOUND_DAYS: number;
  RETENTION_DEAD_LETTERS_DAYS: number;
  RETENTION_DEAD_LETTERS_UNREPLAYED_DAYS: number;
  RETENTION_QUARANTINE_DAYS: number;
  MESSAGE_LOG_RETENTION_DAYS: number;
  RETENTION_INTERVAL_MS: number;
  RETENTION_BATCH_SIZE: number;
}): RetentionSettings {
  return {
    outboundDays: config.RETENTION_OUTBOUND_DAYS,
    deadLettersDays: config.RETENTION_DEAD_LETTERS_DAYS,
    deadLettersUnreplayedDays: config.RETENTION_DEAD_LETTERS_UNREPLAYED_DAYS,
    quarantineDays: config.RETENTION_QUARANTINE_DAYS,
    messageLogDays: config.MESSAGE_LOG_RETENTION_DAYS,
    intervalMs: config.RETENTION_INTERVAL_MS,
    batchSize: config.RETENTION_BATCH_SIZE,
  };
}

/** The purge without its timer: runOnce() is what the timer of startRetention calls. */
export function createRetention(deps: {
  pool: Pool;
  logger: Logger;
  settings: RetentionSettings;
  /** omnistream_retention_purged_rows_total{table} is registered here. */
  registry?: Registry;
}): Retention {
  const { pool, settings } = deps;
  const logger = deps.logger.child({ component: 'retention' });
  const rules = retentionRules(settings).filter((r) => r.days > 0);
  const purged = new Counter({
    name: 'omnistream_retention_purged_rows_total',
    help: 'Rows deleted by the retention purge, by table',
    labelNames: ['table'] as const,
    registers: deps.registry ? [deps.registry] : [],
  });
  const warned = new Set<string>();
  let stopped = false;
  let running: Promise<RetentionPass> | null = null;

  /** Rows deleted, or null when the rule's table is not there. */
  async function purgeRule(client: PoolClient, rule: RetentionRule): Promise<number | null> {
    if (rule.requires) {
      const { table, column } = rule.requires;
      const { rows } = await client.query<{ has_table: boolean; has_column: boolean }>(
        `SELECT to_regclass($1) IS NOT NULL AS has_table, EXISTS (SELECT 1 FROM information_schema.columns
           WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2) AS has_column`,
        [table, column],
      );
      if (!rows[0]?.has_column) {
        // A table without the column is a schema this purge does not know: say so, once.
        if (rows[0]?.has_table && !warned.has(table)) {
          warned.add(table);
          logger.warn({ table, column }, 'retention: the table has no such column; its rows are not purged');
        }
        return null;
      }
    }
    // The condition is checked again on the row being deleted: a row updated between the
    // selection and the delete (a late status) is deleted only if it still qualifies.
    const sql = `DELETE FROM ${rule.table} WHERE ctid = ANY(ARRAY(
        SELECT ctid FROM ${rule.table} WHERE ${rule.where} LIMIT $2)) AND ${rule.where}`;
    let total = 0;
    for (;;) {
      if (stopped) break;
      const { rowCount } = await client.query(sql, [rule.days, settings.batchSize]);
      const deleted = rowCount ?? 0;
      total += deleted;
      if (deleted > 0) purged.inc({ table: rule.table }, deleted);
      if (deleted < settings.batchSize) break;
    }
    return total;
  }

  async function pass(): Promise<RetentionPass> {
    const result: RetentionPass = { ran: false, deleted: {} };
    if (stopped || rules.length === 0) return result;
    const started = Date.now();
    // The session lock lives on this one connection, held for the pass; a connection that failed
    // mid-pass is destroyed on release, which frees the lock on the server.
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        `SELECT pg_try_advisory_lock(${RETENTION_LOCK_SQL}) AS locked`,
      );
      if (!rows[0]?.locked) {
        logger.debug('retention: another process is purging; pass skipped');
        return result;
      }
      result.ran = true;
      try {
        for (const rule of rules) {
          try {
            const deleted = await purgeRule(client, rule);
            if (deleted !== null) result.deleted[rule.table] = (result.deleted[rule.table] ?? 0) + deleted;
          } catch (err) {
            // One table's trouble (a lock timeout, a changed schema) must not keep the others growing.
            logger.error({ err, table: rule.table, what: rule.what }, 'retention purge of a table failed');
          }
        }
      } finally {
        await client.query(`SELECT pg_advisory_unlock(${RETENTION_LOCK_SQL})`);
      }
    } catch (err) {
      broken = err as Error;
      throw err;
    } finally {
      client.release(broken);
    }
    const total = Object.values(result.deleted).reduce((a, b) => a + b, 0);
    const detail = { deleted: result.deleted, ms: Date.now() - started };
    if (total > 0) logger.info(detail, 'retention purge deleted old rows');
    else logger.debug(detail, 'retention purge found nothing to delete');
    return result;
  }

  return {
    runOnce() {
      running ??= pass().finally(() => {
        running = null;
      });
      return running;
    },
    async stop() {
      stopped = true;
      await running?.catch(() => undefined);
    },
  };
}

/** The purge, run once now and then every `settings.intervalMs` until stop(). */
export function startRetention(deps: Parameters<typeof createRetention>[0]): Retention {
  const retention = createRetention(deps);
  const logger = deps.logger.child({ component: 'retention' });
  const run = () =>
    void retention.runOnce().catch((err: unknown) => logger.warn({ err }, 'retention purge pass failed'));
  // At once as well: a process restarted more often than the interval would otherwise never purge.
  const first = setTimeout(run, 0);
  const timer = setInterval(run, deps.settings.intervalMs);
  first.unref();
  timer.unref();
  return {
    runOnce: retention.runOnce,
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await retention.stop();
    },
  };
}
