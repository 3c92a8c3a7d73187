import './provided-context.ts';

// Everything usable outside vitest, plus the fixtures that read the run's provided context.
export * from './harness.ts';
export { type ReadMessage, type ReadMessagesOptions, readMessages } from './kafka-read.ts';
export {
  type TestKafka,
  testKafka,
  uniqueGroupId,
  uniqueTopic,
  uniqueTopicNames,
} from './kafka-test-topics.ts';
export { createTestDatabase, type TestDatabase, useTestDatabase } from './test-database.ts';
