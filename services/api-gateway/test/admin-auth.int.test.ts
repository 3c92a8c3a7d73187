import { randomBytes } from 'node:crypto';
import { useTestDatabase } from '@omnistream/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminKeysRepository } from '../src/features/admin-keys/admin-keys.repository.ts';
import { type GatewayWorld, startGatewayWorld } from './harness.ts';

describe('admin authentication (real PostgreSQL, broker and meta-sim)', () => {
  const db = useTestDatabase();
  let world: GatewayWorld;
  beforeAll(async () => {
    world = await startGatewayWorld(db.pool, { authFailuresPerMinute: 5 });
  });
  afterAll(() => world?.stop());

  const bare = (headers: Record<string, string> = {}) =>
    world.gateway.app.inject({ method: 'GET', url: '/admin/api-keys', headers });

  it('accepts the bootstrap key from ADMIN_API_KEY and lists it without the key', async () => {
    const res = await world.call('GET', '/admin/api-keys');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([expect.objectContaining({ name: 'bootstrap', revokedAt: null })]);
    expect(res.text).not.toContain(world.adminKey);
  });

  it('answers 401 with the same body for a missing, malformed, unknown or revoked key', async () => {
    const created = await world.call('POST', '/admin/api-keys', { name: 'ci robot' });
    expect(created.status).toBe(201);
    const revokedKey: string = created.body.key;
    expect((await bare({ authorization: `Bearer ${revokedKey}` })).statusCode).toBe(200);
    expect((await world.call('DELETE', `/admin/api-keys/${created.body.id}`)).status).toBe(200);

    const attempts = [
      {},
      { authorization: 'Basic dXNlcjpwYXNz' },
      { authorization: 'Bearer' },
      { authorization: `Bearer ${world.adminKey}x` },
      { authorization: `Bearer ${revokedKey}` },
    ];
    const bodies: { code: string; message: string }[] = [];
    for (const headers of attempts) {
      const res = await world.gateway.app.inject({
        method: 'GET',
        url: '/admin/api-keys',
        headers: { ...headers, 'x-forwarded-for': '10.9.9.9' },
        remoteAddress: `10.0.0.${bodies.length + 1}`,
      });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      const body = res.json();
      bodies.push({ code: body.error.code, message: body.error.message });
    }
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    expect(bodies[0]).toEqual({ code: 'GW_UNAUTHORIZED', message: 'a valid admin key is required' });
  });

  it('rate-limits an address after repeated failures, even when it then sends a valid key', async () => {
    const from = { remoteAddress: '10.1.2.3' };
    for (let i = 0; i < 5; i++) {
      const res = await world.gateway.app.inject({
        method: 'GET',
        url: '/admin/api-keys',
        headers: { authorization: 'Bearer wrong' },
        ...from,
      });
      expect(res.statusCode).toBe(401);
    }
    const limited = await world.gateway.app.inject({
      method: 'GET',
      url: '/admin/api-keys',
      headers: { authorization: `Bearer ${world.adminKey}` },
      ...from,
    });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is unaffected.
    const other = await world.gateway.app.inject({
      method: 'GET',
      url: '/admin/api-keys',
      headers: { authorization: `Bearer ${world.adminKey}` },
      remoteAddress: '10.1.2.4',
    });
    expect(other.statusCode).toBe(200);
  });

  it('ignores X-Forwarded-For when TRUSTED_PROXIES is unset: a client cannot change its address with it', async () => {
    const from = { remoteAddress: '10.1.2.9' };
    for (let i = 0; i < 5; i++) {
      const res = await world.gateway.app.inject({
        method: 'GET',
        url: '/admin/api-keys',
        headers: { authorization: 'Bearer wrong', 'x-forwarded-for': `198.51.100.${i}` },
        ...from,
      });
      expect(res.statusCode).toBe(401);
    }
    const limited = await world.gateway.app.inject({
      method: 'GET',
      url: '/admin/api-keys',
      headers: { authorization: `Bearer ${world.adminKey}`, 'x-forwarded-for': '198.51.100.77' },
      ...from,
    });
    expect(limited.statusCode).toBe(429);
  });

  it('lists keys by a hint that is never more than `osk_` and the last 4 characters', async () => {
    const created = await world.call('POST', '/admin/api-keys', { name: 'hint check' });
    const key: string = created.body.key;
    expect(created.body.prefix).toBe(`osk_…${key.slice(-4)}`);
    // An operator-chosen key (ADMIN_API_KEY) shows no leading characters at all.
    const chosen = 'f3a9c2e1b4d6f8a0c2e4b6d8f0a2c4e6';
    await createAdminKeysRepository({ pool: db.pool }).ensure({ name: 'chosen', key: chosen });
    // A row from before hints holds 12 leading characters: only 4 are shown.
    await db.pool.query(
      `INSERT INTO admin_api_keys (name, key_hash, key_prefix) VALUES ('legacy', $1, 'osk_AbCdEfGh')`,
      [randomBytes(32)],
    );
    const list = await world.call('GET', '/admin/api-keys');
    const prefixOf = (name: string) =>
      list.body.items.find((k: { name: string }) => k.name === name)?.prefix as string;
    expect(prefixOf('bootstrap')).toBe(`osk_…${world.adminKey.slice(-4)}`);
    expect(prefixOf('chosen')).toBe(`…${chosen.slice(-4)}`);
    expect(prefixOf('legacy')).toBe('osk_…');
    expect(list.text).not.toContain(world.adminKey.slice(0, 8));
  });

  it('says a missing field is required', async () => {
    const res = await world.call('POST', '/admin/api-keys', {});
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([{ path: 'body.name', message: 'required' }]);
  });

  it('never writes an admin key to the logs', async () => {
    await world.call('POST', '/admin/api-keys', { name: 'log check' });
    expect(world.logs.length).toBeGreaterThan(0);
    expect(world.logs.join('\n')).not.toContain(world.adminKey);
    expect(world.logs.some((l) => l.includes('admin authentication failed'))).toBe(true);
  });

  it('rejects an invalid body with the field path at fault', async () => {
    const res = await world.call('POST', '/admin/api-keys', { name: '', extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('GW_VALIDATION');
    const paths = res.body.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toContain('body.name');
  });

  it('serves health, readiness, metrics, the OpenAPI document and /docs without a key', async () => {
    for (const url of ['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs']) {
      const res = await world.gateway.app.inject({ method: 'GET', url });
      expect([200, 302], url).toContain(res.statusCode);
    }
    const doc = (await world.gateway.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.paths['/admin/api-keys'].post.security).toEqual([{ adminKey: [] }, { consoleSession: [] }]);
    expect(doc.paths['/admin/api-keys'].post.requestBody).toBeDefined();
  });
});
