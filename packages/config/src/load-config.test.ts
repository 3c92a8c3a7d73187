import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  cryptoBlock,
  integrationsBlock,
  kafkaBlock,
  loadConfig,
  logBlock,
  metaBlock,
  postgresBlock,
  readEnv,
  webhookIngestorHttpBlock,
  z,
} from './index.ts';

const schema = z.object({
  ...logBlock,
  ...postgresBlock,
  ...kafkaBlock,
  ...metaBlock,
  ...integrationsBlock,
  ...cryptoBlock,
  ...webhookIngestorHttpBlock,
});
const key = Buffer.alloc(32, 7).toString('base64');
const good = {
  DATABASE_URL: 'postgres://u@localhost:5432/db',
  KAFKA_BROKERS: 'k1:9092, k2:9093',
  META_APP_SECRET: 'app-secret-value',
  META_VERIFY_TOKEN: 'verify-me',
  TOKEN_ENCRYPTION_KEYS: `k2:${key},k1:${Buffer.alloc(32, 1).toString('base64')}`,
};

function captureError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(schema, env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('parses a valid environment and applies the documented defaults', () => {
    const cfg = loadConfig(schema, good);
    expect(cfg.KAFKA_BROKERS).toEqual(['k1:9092', 'k2:9093']);
    expect(cfg.META_API_URL).toBe('https://graph.facebook.com/v21.0');
    expect(cfg.INTEGRATIONS_POLL_INTERVAL_MS).toBe(30_000);
    expect(cfg.LOG_LEVEL).toBe('info');
    expect(cfg.WEBHOOK_INGESTOR_PORT).toBe(3000);
    expect(cfg.TOKEN_ENCRYPTION_KEYS.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(cfg.TOKEN_ENCRYPTION_KEYS[0]?.key.length).toBe(32);
  });

  it('reports every bad variable at once, with a reason for each', () => {
    const err = captureError({
      ...good,
      DATABASE_URL: 'mysql://nope',
      KAFKA_BROKERS: 'no-port-here',
      META_APP_SECRET: undefined,
      WEBHOOK_INGESTOR_PORT: '70000',
      INTEGRATIONS_POLL_INTERVAL_MS: 'soon',
      TOKEN_ENCRYPTION_KEYS: 'k1:dG9vLXNob3J0',
    });
    expect(err.issues.map((i) => i.variable)).toEqual([
      'DATABASE_URL',
      'INTEGRATIONS_POLL_INTERVAL_MS',
      'KAFKA_BROKERS',
      'META_APP_SECRET',
      'TOKEN_ENCRYPTION_KEYS',
      'WEBHOOK_INGESTOR_PORT',
    ]);
    expect(err.message).toContain('META_APP_SECRET: is required but not set');
    expect(err.message).toContain('KAFKA_BROKERS: each broker must be host:port');
    expect(err.message).toContain('key "k1" must be 32 bytes');
    expect(err.message).toMatch(/DATABASE_URL: must be a postgres/);
  });

  it('never echoes a value into the error message', () => {
    const err = captureError({
      ...good,
      META_VERIFY_TOKEN: undefined,
      TOKEN_ENCRYPTION_KEYS: 'k1:c2VjcmV0LXRva2Vu',
    });
    expect(err.message).not.toContain('c2VjcmV0LXRva2Vu');
    expect(err.message).not.toContain('app-secret-value');
  });

  it('treats an empty string as unset so defaults apply and required variables are reported', () => {
    const cfg = loadConfig(schema, { ...good, LOG_LEVEL: '', META_API_URL: ' ' });
    expect(cfg.LOG_LEVEL).toBe('info');
    expect(cfg.META_API_URL).toBe('https://graph.facebook.com/v21.0');
    expect(captureError({ ...good, META_VERIFY_TOKEN: '' }).issues).toEqual([
      { variable: 'META_VERIFY_TOKEN', reason: 'is required but not set' },
    ]);
  });

  it('rejects duplicate encryption key ids and strips a trailing slash from the Graph URL', () => {
    expect(captureError({ ...good, TOKEN_ENCRYPTION_KEYS: `a:${key},a:${key}` }).message).toContain(
      'listed twice',
    );
    expect(loadConfig(schema, { ...good, META_API_URL: 'http://127.0.0.1:9999/v21.0/' }).META_API_URL).toBe(
      'http://127.0.0.1:9999/v21.0',
    );
  });
});

describe('readEnv', () => {
  it('merges a .env file under the real environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-env-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'OMNI_TEST_ONLY_IN_FILE=from-file\nPATH=overridden-by-real-env\n');
    const env = readEnv({ dotenvPath: file });
    expect(env.OMNI_TEST_ONLY_IN_FILE).toBe('from-file');
    expect(env.PATH).not.toBe('overridden-by-real-env');
  });

  it('works without a .env file', () => {
    expect(readEnv({ dotenvPath: '/nonexistent/.env' }).PATH).toBeDefined();
  });
});
