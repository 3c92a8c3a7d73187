import { randomBytes } from 'node:crypto';
import { allTopics, defaultTopics } from '@omnistream/kafka';
import type { TestProject } from 'vitest/node';
import { buildServices } from '../../../scripts/build-services.ts';
// Straight from the module files, not index.ts, which loads vitest's inject (workers only).
import { startKafkaBroker } from './kafka-broker.ts';
import { startTestPostgres } from './postgres.ts';
import './provided-context.ts';

/**
 * Starts (or finds) the real dependencies once per test run and tells every worker where they
 * are. Prints which PostgreSQL and which broker it used, so a green run says what it ran against.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  // Tests that start a service process run its bundle, as `pnpm start:<service>` does: rebuilt
  // from the sources first, so a test never runs code older than the sources beside it.
  await buildServices();
  const [postgres, kafka] = await Promise.all([
    startTestPostgres(runId),
    startKafkaBroker({ topics: allTopics(defaultTopics) }),
  ]);
  console.log(`[omnistream tests] ${postgres.description}`);
  console.log(`[omnistream tests] ${kafka.description}`);
  project.provide('testRunId', runId);
  project.provide('postgresAdminUrl', postgres.adminUrl);
  project.provide('postgresTemplate', postgres.templateDatabase);
  project.provide('kafkaBrokers', kafka.brokers);
  project.provide('kafkaKind', kafka.kind);
  return async () => {
    await Promise.all([postgres.stop(), kafka.stop()]);
  };
}
