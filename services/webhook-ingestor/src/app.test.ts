import { readFileSync } from 'node:fs';
import { createLogger } from '@omnistream/logger';
import { createMetricsRegistry } from '@omnistream/service-kit';
import { describe, expect, it } from 'vitest';
import { buildApp } from './app.ts';
import { createIngestorMetrics } from './metrics.ts';
import { signBody } from './signature.ts';

const SECRET = 'unit-app-secret-123456';
const fbeInstall = readFileSync(new URL('../test/fixtures/fbe-install.json', import.meta.url), 'utf8');

function app(options: { encryptFails?: boolean; publishFails?: boolean }) {
  const registry = createMetricsRegistry('webhook-ingestor');
  const published: unknown[] = [];
  const instance = buildApp({
    logger: createLogger({ name: 'test', level: 'silent' }),
    verifyToken: 'verify-token',
    appSecret: SECRET,
    bodyLimitBytes: 1024 * 1024,
    publisher: {
      publish: async (events) => {
        if (options.publishFails) throw new Error('boom: not an AppError');
        published.push(...events);
        return 'kafka';
      },
    },
    normalizeContext: () => ({
      receivedAt: new Date().toISOString(),
      integrationIdFor: () => null,
      encryptToken: () => {
        if (options.encryptFails) throw new Error('key store unavailable');
        return { ciphertext: 'v1.x', keyId: 'k1', last4: 'abcd' };
      },
    }),
    metrics: createIngestorMetrics(registry),
    registry,
    readiness: [],
    isShuttingDown: () => false,
  });
  return { instance, published };
}

const post = (a: ReturnType<typeof app>['instance'], body: string) =>
  a.inject({
    method: 'POST',
    url: '/webhook/fbe',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, SECRET) },
    payload: body,
  });

describe('webhook app error paths', () => {
  it('answers 503 (so Meta redelivers) when an FBE token cannot be encrypted, and publishes nothing', async () => {
    const a = app({ encryptFails: true });
    const res = await post(a.instance, fbeInstall);
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json().error.code).toBe('GW_UNAVAILABLE');
    expect(a.published).toHaveLength(0);
  });

  it('hides an unexpected failure behind a 500 with an error id, never its message', async () => {
    const a = app({ publishFails: true });
    const res = await post(a.instance, fbeInstall);
    expect(res.statusCode).toBe(500);
    expect(res.json().error.message).toMatch(/^internal error \(id [0-9a-f-]{36}\)$/);
    expect(res.body).not.toContain('boom');
  });

  it('publishes the FBE install with its token encrypted and absent from the event', async () => {
    const a = app({});
    expect((await post(a.instance, fbeInstall)).statusCode).toBe(200);
    const text = JSON.stringify(a.published);
    expect(text).toContain('"encryptedToken":{"ciphertext":"v1.x","keyId":"k1","last4":"abcd"}');
    expect(text).not.toContain('access_token');
  });
});
