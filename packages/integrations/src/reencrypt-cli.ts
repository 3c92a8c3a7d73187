// `pnpm keys:reencrypt`: re-encrypts every stored token under the newest TOKEN_ENCRYPTION_KEYS
// entry, after which older keys can be removed from the list.
import { cryptoBlock, loadConfigOrExit, logBlock, postgresBlock, z } from '@omnistream/config';
import { createPool } from '@omnistream/db';
import { createLogger } from '@omnistream/logger';
import { createIntegrationsRepository } from './integrations.repository.ts';
import { createTokenCipher } from './token-cipher.ts';

const NAME = 'keys-reencrypt';
const schema = z.object({ ...logBlock, ...postgresBlock, ...cryptoBlock });

async function main(): Promise<number> {
  const config = loadConfigOrExit(schema, NAME);
  const logger = createLogger({ name: 'keys-reencrypt', level: config.LOG_LEVEL });
  const pool = createPool({ connectionString: config.DATABASE_URL, max: 2, logger });
  try {
    const cipher = createTokenCipher(config.TOKEN_ENCRYPTION_KEYS);
    const { reencrypted } = await createIntegrationsRepository({ pool, cipher }).reencryptAll();
    logger.info({ reencrypted, keyId: cipher.currentKeyId }, 'tokens re-encrypted under the newest key');
    return 0;
  } catch (err) {
    logger.error({ err }, 're-encryption failed');
    return 1;
  } finally {
    await pool.end();
  }
}

process.exitCode = await main();
