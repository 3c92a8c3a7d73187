// `pnpm keys:reencrypt`: re-encrypts every stored token under the newest TOKEN_ENCRYPTION_KEYS
// entry, after which older keys can be removed from the list.
import {
  ConfigError,
  cryptoBlock,
  loadConfig,
  logBlock,
  postgresBlock,
  readEnv,
  z,
} from '@omnistream/config';
import { createPool } from '@omnistream/db';
import { createLogger } from '@omnistream/logger';
import { createIntegrationsRepository } from './integrations.repository.ts';
import { createTokenCipher } from './token-cipher.ts';

const schema = z.object({ ...logBlock, ...postgresBlock, ...cryptoBlock });

async function main(): Promise<number> {
  let config: z.output<typeof schema>;
  try {
    config = loadConfig(schema, readEnv());
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
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
