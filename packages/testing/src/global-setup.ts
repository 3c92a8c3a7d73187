import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { startTestPostgres } from './postgres.ts';
import './provided-context.ts';

/**
 * Starts (or finds) the real dependencies once per test run and tells every worker where they
 * are. Prints which PostgreSQL and which broker it used, so a green run says what it ran against.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const postgres = await startTestPostgres(runId);
  console.log(`[omnistream tests] ${postgres.description}`);
  project.provide('testRunId', runId);
  project.provide('postgresAdminUrl', postgres.adminUrl);
  project.provide('postgresTemplate', postgres.templateDatabase);
  return async () => {
    await postgres.stop();
  };
}
