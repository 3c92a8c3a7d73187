import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { createPool } from '@omnistream/db';
import { createLogger } from '@omnistream/logger';
import { startTcpProxy, until, useTestDatabase } from '@omnistream/testing';
import { describe, expect, it } from 'vitest';
import {
  createIntegrationsRepository,
  createTokenCipher,
  createTokenProvider,
  ENV_FALLBACK_INTEGRATION_ID,
  type TokenProvider,
} from './index.ts';

const cipher = createTokenCipher([{ id: 'k1', key: randomBytes(32) }]);
const INTERVAL = 100;
const phone = () => String(200000000000 + Math.floor(Math.random() * 1e11));

function capturingLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _e, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  return { logger: createLogger({ name: 'test', level: 'info', destination }), lines };
}

/**
 * A load of the table that starts after the caller's writes, without waiting for the poll timer:
 * refresh() joins a poll already in flight (which may have read before the write), so the second
 * call is the one that reads afresh.
 */
async function reload(provider: TokenProvider): Promise<boolean> {
  await provider.refresh();
  return provider.refresh();
}

describe('TokenProvider (real PostgreSQL)', () => {
  const db = useTestDatabase();

  it('falls back to META_ACCESS_TOKEN for META_PHONE_NUMBER_ID until an active row exists', async () => {
    const repository = createIntegrationsRepository({ pool: db.pool, cipher });
    const { logger } = capturingLogger();
    const number = phone();
    const provider = createTokenProvider({
      repository,
      logger,
      intervalMs: INTERVAL,
      fallback: { whatsappPhoneNumberId: number, whatsappToken: 'env-token-from-dotenv' },
    });
    await provider.start();
    try {
      expect(provider.byAccount('whatsapp', number)).toMatchObject({
        token: 'env-token-from-dotenv',
        source: 'environment',
      });
      expect(provider.byIntegrationId(ENV_FALLBACK_INTEGRATION_ID)?.token).toBe('env-token-from-dotenv');
      expect(provider.byAccount('whatsapp', phone())).toBeNull();
      expect(provider.integrationIdFor('messenger', number)).toBeNull();

      const row = await repository.create({
        channel: 'whatsapp',
        phoneNumberId: number,
        wabaId: `waba${number}`,
        token: 'db-token-wins-1234',
      });
      expect(await reload(provider)).toBe(true);
      const resolved = provider.byAccount('whatsapp', number);
      expect(resolved).toMatchObject({ token: 'db-token-wins-1234', integrationId: row.id });
      expect(provider.integrationIdFor('whatsapp', number)).toBe(row.id);
      // Template webhooks name the WABA only.
      expect(provider.integrationIdFor('whatsapp', `waba${number}`)).toBe(row.id);
      expect(provider.byAccount('whatsapp', `waba${number}`)).toBeNull();
      // The fallback id now resolves to the row for the same number.
      expect(provider.byIntegrationId(ENV_FALLBACK_INTEGRATION_ID)?.token).toBe('db-token-wins-1234');

      await repository.update(row.id, { status: 'disabled' });
      expect(await reload(provider)).toBe(true);
      expect(provider.byAccount('whatsapp', number)).toMatchObject({
        token: 'env-token-from-dotenv',
        source: 'environment',
      });
    } finally {
      provider.stop();
    }
  });

  it('picks up a rotated token within one poll interval and logs it without the token', async () => {
    const repository = createIntegrationsRepository({ pool: db.pool, cipher });
    const { logger, lines } = capturingLogger();
    const row = await repository.create({
      channel: 'messenger',
      pageId: phone(),
      token: 'page-token-before-1111',
    });
    const provider = createTokenProvider({ repository, logger, intervalMs: INTERVAL });
    await provider.start();
    try {
      expect(provider.byIntegrationId(row.id)?.token).toBe('page-token-before-1111');
      await repository.rotateToken(row.id, { token: 'page-token-after-2222' });
      const rotatedAt = Date.now();
      const seen = await until(
        () => provider.byIntegrationId(row.id)?.token,
        (t) => t === 'page-token-after-2222',
        INTERVAL * 3,
        10,
      );
      expect(seen).toBe('page-token-after-2222');
      // Within one interval (plus scheduling slack on a loaded 2-core machine).
      expect(Date.now() - rotatedAt).toBeLessThan(INTERVAL * 2 + 50);
      const log = lines.join('\n');
      expect(log).toContain('integration token rotated');
      expect(log).toContain('"tokenLast4":"2222"');
      expect(log).not.toContain('page-token-before-1111');
      expect(log).not.toContain('page-token-after-2222');
    } finally {
      provider.stop();
    }
  });

  it('keeps serving the last good tokens while PostgreSQL is unreachable, and recovers', async () => {
    const seedRepo = createIntegrationsRepository({ pool: db.pool, cipher });
    const row = await seedRepo.create({
      channel: 'instagram',
      igUserId: phone(),
      token: 'ig-token-survives-3333',
    });
    const dbUrl = new URL(db.url);
    const proxy = await startTcpProxy({ host: dbUrl.hostname, port: Number(dbUrl.port || 5432) });
    dbUrl.host = proxy.address;
    const { logger, lines } = capturingLogger();
    const pool = createPool({ connectionString: dbUrl.toString(), max: 2, logger });
    const provider = createTokenProvider({
      repository: createIntegrationsRepository({ pool, cipher }),
      logger,
      intervalMs: INTERVAL,
    });
    await provider.start();
    try {
      await proxy.cut();
      const stale = await until(
        () => provider.stale,
        (s) => s,
        INTERVAL * 30,
        10,
      );
      expect(stale).toBe(true);
      expect(provider.byIntegrationId(row.id)?.token).toBe('ig-token-survives-3333');
      expect(lines.filter((l) => l.includes('serving the last good tokens'))).toHaveLength(1);

      await seedRepo.rotateToken(row.id, { token: 'ig-token-after-outage-4444' });
      await proxy.restore();
      const token = await until(
        () => provider.byIntegrationId(row.id)?.token,
        (t) => t === 'ig-token-after-outage-4444',
        10_000,
        10,
      );
      expect(token).toBe('ig-token-after-outage-4444');
      expect(provider.stale).toBe(false);
      expect(lines.join('\n')).toContain('integrations poll recovered');
      expect(lines.join('\n')).not.toContain('ig-token-survives-3333');
    } finally {
      provider.stop();
      await pool.end();
      await proxy.close();
    }
  });

  it('refuses to start when the first load fails, instead of serving nothing silently', async () => {
    const { logger } = capturingLogger();
    const pool = createPool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', max: 1, logger });
    const provider = createTokenProvider({
      repository: createIntegrationsRepository({ pool, cipher }),
      logger,
      intervalMs: INTERVAL,
    });
    await expect(provider.start()).rejects.toThrow();
    await pool.end();
  });
});
