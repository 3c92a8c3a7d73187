import { useTestDatabase } from '@omnistream/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayWorld, startGatewayWorld } from './harness.ts';

/** The reverse proxy every admin's request comes through, as README "Quick start with Docker" step 6 sets it up. */
const PROXY = '10.20.0.2';

describe('admin authentication behind a trusted reverse proxy (TRUSTED_PROXIES)', () => {
  const db = useTestDatabase();
  let world: GatewayWorld;
  beforeAll(async () => {
    world = await startGatewayWorld(db.pool, { authFailuresPerMinute: 20, trustedProxies: ['10.20.0.0/24'] });
  });
  afterAll(() => world?.stop());

  const viaProxy = (client: string, authorization?: string, url = '/admin/api-keys') =>
    world.gateway.app.inject({
      method: 'GET',
      url,
      remoteAddress: PROXY,
      headers: {
        'x-forwarded-for': client,
        ...(authorization === undefined ? {} : { authorization }),
      },
    });

  it('locks out the client guessing keys (25 wrong keys), not the other admins behind the same proxy', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++)
      statuses.push((await viaProxy('203.0.113.7', `Bearer wrong${i}`)).statusCode);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual(Array(5).fill(429));
    const guesser = await viaProxy('203.0.113.7', `Bearer ${world.adminKey}`);
    expect(guesser.statusCode).toBe(429);
    expect(Number(guesser.headers['retry-after'])).toBeGreaterThan(0);

    const colleague = await viaProxy('203.0.113.8', `Bearer ${world.adminKey}`);
    expect(colleague.statusCode).toBe(200);
    // A chain of proxies: the client is the address the trusted proxy saw, not what the client claims.
    const chained = await viaProxy('203.0.113.7, 198.51.100.9', `Bearer ${world.adminKey}`);
    expect(chained.statusCode).toBe(200);
  });

  it('does not count requests without a key: anyone opening the public OAuth start link cannot lock an admin out', async () => {
    for (let i = 0; i < 30; i++) {
      expect((await viaProxy('203.0.113.20', undefined, '/oauth/instagram/start')).statusCode).toBe(401);
    }
    const admin = await viaProxy('203.0.113.20', `Bearer ${world.adminKey}`, '/oauth/instagram/start');
    expect(admin.statusCode).toBe(302);
  });

  it('ignores X-Forwarded-For from a connection that is not a trusted proxy', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await world.gateway.app.inject({
        method: 'GET',
        url: '/admin/api-keys',
        remoteAddress: '192.0.2.50',
        headers: { authorization: 'Bearer wrong', 'x-forwarded-for': `198.51.100.${i}` },
      });
      expect(res.statusCode).toBe(401);
    }
    const res = await world.gateway.app.inject({
      method: 'GET',
      url: '/admin/api-keys',
      remoteAddress: '192.0.2.50',
      headers: { authorization: `Bearer ${world.adminKey}`, 'x-forwarded-for': '198.51.100.200' },
    });
    expect(res.statusCode).toBe(429);
  });

  it('counts refused authentications by reason in /metrics', async () => {
    const metrics = (await world.gateway.app.inject({ method: 'GET', url: '/metrics' })).body;
    const count = (reason: string) =>
      Number(
        new RegExp(
          `^omnistream_gateway_admin_auth_failures_total\\{reason="${reason}"[^}]*\\} (\\d+)`,
          'm',
        ).exec(metrics)?.[1],
      );
    // The tests above, in order: 20 + 20 wrong keys, 30 without a key, 5 + 1 + 1 refused as limited.
    expect(count('unknown')).toBe(40);
    expect(count('missing')).toBe(30);
    expect(count('rate_limited')).toBe(7);
  });
});
