export { type CoalescerOptions, createCoalescer } from './coalescer.ts';
export {
  MigrationError,
  type MigrationFile,
  type MigrationStatus,
  pendingMigrations,
  readMigrationFiles,
  runMigrations,
} from './migrations.ts';
export { defaultMigrationsDir } from './migrations-dir.ts';
export {
  type CreatePoolOptions,
  createPool,
  isDatabaseUnavailable,
  type Pool,
  type PoolClient,
  type Queryable,
  withTransaction,
} from './pool.ts';
export { openServicePool } from './service-pool.ts';
