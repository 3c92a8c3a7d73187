import type { Pool } from '@omnistream/db';
import type { NewDeadLetter } from './dead-letter-row.ts';

/** A stored dead letter: the mirrored row, with the record parsed back and its replay history. */
export interface DeadLetter extends Omit<NewDeadLetter, 'recordJson'> {
  id: number;
  /** The DLQ record as consumed: the command, every attempt's error, attempts, time. */
  record: unknown;
  receivedAt: Date;
  replayedAt: Date | null;
  replayCount: number;
}

export interface DeadLetterFilter {
  integrationId?: string | undefined;
  errorCode?: string | undefined;
  reason?: string | undefined;
  replayed?: boolean | undefined;
}

interface Row {
  id: string;
  topic: string;
  partition: number;
  kafka_offset: string;
  command_id: string | null;
  integration_id: string | null;
  channel: string | null;
  reason: string;
  error_code: string | null;
  error_message: string | null;
  attempts: number;
  record: unknown;
  dead_lettered_at: Date;
  received_at: Date;
  replayed_at: Date | null;
  replay_count: number;
}

const toDeadLetter = (r: Row): DeadLetter => ({
  id: Number(r.id),
  topic: r.topic,
  partition: r.partition,
  offset: r.kafka_offset,
  commandId: r.command_id,
  integrationId: r.integration_id,
  channel: r.channel,
  reason: r.reason,
  errorCode: r.error_code,
  errorMessage: r.error_message,
  attempts: r.attempts,
  record: r.record,
  deadLetteredAt: r.dead_lettered_at,
  receivedAt: r.received_at,
  replayedAt: r.replayed_at,
  replayCount: r.replay_count,
});

export interface DeadLettersRepository {
  /** Stores a mirrored record once: redelivery of the same topic/partition/offset is a no-op. */
  insert(row: NewDeadLetter): Promise<void>;
  /** Newest first; `before` is the id of the last item of the previous page. */
  list(
    filter: DeadLetterFilter,
    page: { limit: number; before?: number | undefined },
  ): Promise<{ items: DeadLetter[]; more: boolean }>;
  /** Oldest first, for a replay by filter. */
  oldest(filter: DeadLetterFilter, limit: number): Promise<{ items: DeadLetter[]; more: boolean }>;
  byIds(ids: readonly number[]): Promise<DeadLetter[]>;
  markReplayed(ids: readonly number[]): Promise<void>;
}

function where(filter: DeadLetterFilter, params: unknown[]): string[] {
  const conditions: string[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    conditions.push(sql(`$${params.length}`));
  };
  if (filter.integrationId !== undefined) add((p) => `integration_id = ${p}`, filter.integrationId);
  if (filter.errorCode !== undefined) add((p) => `error_code = ${p}`, filter.errorCode);
  if (filter.reason !== undefined) add((p) => `reason = ${p}`, filter.reason);
  if (filter.replayed !== undefined) {
    conditions.push(filter.replayed ? 'replayed_at IS NOT NULL' : 'replayed_at IS NULL');
  }
  return conditions;
}

export function createDeadLettersRepository(deps: { pool: Pool }): DeadLettersRepository {
  const { pool } = deps;

  async function page(
    filter: DeadLetterFilter,
    limit: number,
    order: 'ASC' | 'DESC',
    before?: number,
  ): Promise<{ items: DeadLetter[]; more: boolean }> {
    const params: unknown[] = [];
    const conditions = where(filter, params);
    if (before !== undefined) {
      params.push(before);
      conditions.push(`id < $${params.length}`);
    }
    params.push(limit + 1);
    const { rows } = await pool.query<Row>(
      `SELECT * FROM dead_letters ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
       ORDER BY id ${order} LIMIT $${params.length}`,
      params,
    );
    return { items: rows.slice(0, limit).map(toDeadLetter), more: rows.length > limit };
  }

  return {
    async insert(row) {
      await pool.query(
        `INSERT INTO dead_letters (topic, partition, kafka_offset, command_id, integration_id, channel,
           reason, error_code, error_message, attempts, record, dead_lettered_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12)
         ON CONFLICT (topic, partition, kafka_offset) DO NOTHING`,
        [
          row.topic,
          row.partition,
          row.offset,
          row.commandId,
          row.integrationId,
          row.channel,
          row.reason,
          row.errorCode,
          row.errorMessage,
          row.attempts,
          row.recordJson,
          row.deadLetteredAt,
        ],
      );
    },

    list: (filter, { limit, before }) => page(filter, limit, 'DESC', before),

    oldest: (filter, limit) => page(filter, limit, 'ASC'),

    async byIds(ids) {
      if (ids.length === 0) return [];
      const { rows } = await pool.query<Row>(
        'SELECT * FROM dead_letters WHERE id = ANY($1::bigint[]) ORDER BY id',
        [ids],
      );
      return rows.map(toDeadLetter);
    },

    async markReplayed(ids) {
      if (ids.length === 0) return;
      await pool.query(
        `UPDATE dead_letters SET replayed_at = now(), replay_count = replay_count + 1
         WHERE id = ANY($1::bigint[])`,
        [ids],
      );
    },
  };
}
