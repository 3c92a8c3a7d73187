import { fileURLToPath } from 'node:url';

/** The repository's migrations/ folder, found relative to this file so it works from any cwd. */
export const defaultMigrationsDir = fileURLToPath(new URL('../../../migrations', import.meta.url));
