import { defineConfig } from 'vitest/config';

// One run covers unit tests (*.test.ts) and integration tests (*.int.test.ts). The global setup
// provides a real PostgreSQL (migrated template database) and a Kafka-protocol broker; see
// the README ("Set up, and run the tests") for how each is chosen.
export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'services/*/src/**/*.test.ts',
      'services/*/test/**/*.test.ts',
      'scripts/**/*.test.ts',
      'examples/**/*.test.ts',
    ],
    globalSetup: ['packages/testing/src/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Every test's name in the output, so a run shows what it exercised against which dependency.
    reporters: ['verbose'],
  },
});
