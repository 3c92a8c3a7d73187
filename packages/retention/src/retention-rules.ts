// What the retention purge deletes, table by table (docs/services.md, "Retention"). Each rule is a
// condition on rows older than a cutoff of `days`; $1 in `where` is that number of days.

export interface RetentionRule {
  /** The table, and the `table` label of omnistream_retention_purged_rows_total. */
  table: string;
  /** What the rule deletes, for the log. */
  what: string;
  /** Days to keep; 0 keeps the rows forever (the rule does not run). */
  days: number;
  /** SQL condition on the table's rows; `$1` is `days`. */
  where: string;
  /**
   * The rule runs only where this column exists. The ingestor's quarantine table is newer than
   * this purge: a database migrated before it (or a deployment that dropped it) is skipped, not an error.
   */
  requires?: { table: string; column: string };
}

export interface RetentionDays {
  outboundDays: number;
  deadLettersDays: number;
  deadLettersUnreplayedDays: number;
  quarantineDays: number;
  messageLogDays: number;
}

const olderThan = (column: string) => `${column} < now() - make_interval(days => $1)`;

export function retentionRules(days: RetentionDays): RetentionRule[] {
  return [
    {
      table: 'outbound_messages',
      what: 'outbound messages past queued/sending whose last status change is older than the cutoff',
      days: days.outboundDays,
      // Queued and sending rows are commands still in flight (or stuck, which an admin should
      // see): never deleted. created_at never changes, so its index (010_retention.sql) leaves the
      // status updates HOT; updated_at, the last status change, then decides.
      where: `status NOT IN ('queued', 'sending') AND ${olderThan('created_at')} AND ${olderThan('updated_at')}`,
    },
    {
      table: 'dead_letters',
      what: 'dead letters replayed before the cutoff',
      days: days.deadLettersDays,
      where: `replayed_at IS NOT NULL AND ${olderThan('replayed_at')}`,
    },
    {
      table: 'dead_letters',
      what: 'dead letters never replayed, received before the cutoff',
      days: days.deadLettersUnreplayedDays,
      where: `replayed_at IS NULL AND ${olderThan('received_at')}`,
    },
    {
      table: 'inbound_spool_quarantine',
      what: 'quarantined webhooks older than the cutoff',
      days: days.quarantineDays,
      where: olderThan('quarantined_at'),
      requires: { table: 'inbound_spool_quarantine', column: 'quarantined_at' },
    },
    {
      table: 'message_log',
      what: 'received messages and echoes that happened before the cutoff',
      days: days.messageLogDays,
      // occurred_at (Meta's time) is what the conversation views order by, and it never changes.
      where: olderThan('occurred_at'),
    },
  ];
}
