import './provided-context.ts';

export { dockerAvailable } from './container-runtime.ts';
export { databaseUrl, describeUrl, startTestPostgres, type TestPostgres } from './postgres.ts';
export { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';
export { createTestDatabase, type TestDatabase, useTestDatabase } from './test-database.ts';
