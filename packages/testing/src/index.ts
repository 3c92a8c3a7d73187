import './provided-context.ts';

export { dockerAvailable } from './container-runtime.ts';
export { databaseUrl, describeUrl, startTestPostgres, type TestPostgres } from './postgres.ts';
export { createTestDatabase, type TestDatabase, useTestDatabase } from './test-database.ts';
