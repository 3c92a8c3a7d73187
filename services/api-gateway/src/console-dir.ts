import { fileURLToPath } from 'node:url';

/**
 * The built console, services/api-gateway/console/dist (`pnpm build`). Resolved from this module,
 * which sits one folder below the service both as a source (src/) and bundled (dist/main.js).
 */
export const CONSOLE_DIR = fileURLToPath(new URL('../console/dist/', import.meta.url));
