export {
  createRetention,
  RETENTION_LOCK_SQL,
  type Retention,
  type RetentionPass,
  type RetentionSettings,
  retentionSettings,
  startRetention,
} from './retention.ts';
export { type RetentionDays, type RetentionRule, retentionRules } from './retention-rules.ts';
