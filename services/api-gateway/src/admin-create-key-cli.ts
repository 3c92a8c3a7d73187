// `pnpm admin:create-key [name]`: creates an admin API key and prints it once. Only its hash is
// stored; a lost key cannot be shown again, only revoked and replaced.
import { loadConfigOrExit, logBlock, postgresBlock, z } from '@omnistream/config';
import { openServicePool } from '@omnistream/db';
import { createLogger } from '@omnistream/logger';
import { createAdminKeysRepository } from './features/admin-keys/index.ts';

const config = loadConfigOrExit(z.object({ ...logBlock, ...postgresBlock }), 'admin:create-key');
const logger = createLogger({ name: 'admin-create-key', level: config.LOG_LEVEL });
const name = process.argv.slice(2).join(' ').trim() || 'admin';
const pool = await openServicePool({
  service: 'admin-create-key',
  connectionString: config.DATABASE_URL,
  max: 1,
  logger,
});
try {
  const { key, adminKey } = await createAdminKeysRepository({ pool }).create({ name });
  console.error(`Created admin key "${adminKey.name}" (id ${adminKey.id}). It is shown only this once:`);
  console.log(key);
} finally {
  await pool.end();
}
