import { connect, createServer, type Server, type Socket } from 'node:net';
import { createPool, type Pool } from '@omnistream/db';
import { createLogger } from '@omnistream/logger';
import { useTestDatabase } from '@omnistream/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayWorld, startGatewayWorld } from './harness.ts';

/**
 * A loopback forwarder to PostgreSQL that can black-hole traffic (connections stay open, nothing
 * comes back: a dropped route or a firewall eating packets) or refuse it (the server is gone).
 */
async function startFaultyProxy(target: { host: string; port: number }) {
  let mode: 'forward' | 'blackhole' = 'forward';
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('error', () => client.destroy()).on('close', () => sockets.delete(client));
    if (mode === 'blackhole') return;
    const upstream = connect(target.port, target.host);
    sockets.add(upstream);
    upstream.on('error', () => client.destroy()).on('close', () => sockets.delete(upstream));
    client.on('close', () => upstream.destroy());
    client.on('data', (chunk) => mode === 'forward' && upstream.write(chunk));
    upstream.on('data', (chunk) => mode === 'forward' && client.write(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    blackhole: () => {
      mode = 'blackhole';
    },
    /** Cuts every connection; new ones are refused (the port is closed) until restore. */
    refuse: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('PostgreSQL unreachable: the admin API answers 503 with Retry-After within a bounded time', () => {
  const db = useTestDatabase();
  let proxy: Awaited<ReturnType<typeof startFaultyProxy>>;
  let pool: Pool;
  let world: GatewayWorld;
  beforeAll(async () => {
    const url = new URL(db.url);
    proxy = await startFaultyProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = proxy.address;
    // DATABASE_CONNECT_TIMEOUT_MS=1000, DATABASE_QUERY_TIMEOUT_MS=1000.
    pool = createPool({
      connectionString: url.toString(),
      max: 4,
      connectTimeoutMs: 1_000,
      queryTimeoutMs: 1_000,
      logger: createLogger({ name: 'pool', level: 'silent' }),
    });
    world = await startGatewayWorld(pool);
  });
  afterAll(async () => {
    // The gateway's shutdown steps do not need PostgreSQL; the pool's sockets are gone already.
    await world?.stop();
    await pool?.end().catch(() => undefined);
    await proxy?.close().catch(() => undefined);
  });

  async function timed(url: string) {
    const started = Date.now();
    const res = await world.call('GET', url);
    return { ...res, ms: Date.now() - started };
  }

  it('answers 200 while PostgreSQL is reachable, then 503 within seconds once the network black-holes it', async () => {
    expect((await timed('/admin/integrations')).status).toBe(200);

    proxy.blackhole();
    // An open pooled connection (the query times out) and a new one (the connect times out).
    for (const url of ['/admin/integrations', '/admin/api-keys', '/admin/dlq']) {
      const res = await timed(url);
      expect(res.status, url).toBe(503);
      expect(res.body.error, url).toMatchObject({
        code: 'GW_DATABASE_UNAVAILABLE',
        message: 'the database is unavailable; retry later',
      });
      expect(res.headers['retry-after'], url).toBe('5');
      expect(res.ms, url).toBeLessThan(4_000);
    }
  });

  it('answers 503 at once when PostgreSQL refuses connections, OAuth callbacks included', async () => {
    proxy.refuse();
    const res = await timed('/admin/integrations');
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('GW_DATABASE_UNAVAILABLE');
    expect(res.ms).toBeLessThan(2_000);

    const callback = await world.gateway.app.inject({
      method: 'GET',
      url: `/oauth/instagram/callback?state=${'s'.repeat(43)}&code=x`,
      headers: { accept: 'application/json' },
    });
    expect(callback.statusCode).toBe(503);
    expect(callback.json().error.code).toBe('GW_DATABASE_UNAVAILABLE');
    expect(callback.headers['retry-after']).toBe('5');
  });
});
