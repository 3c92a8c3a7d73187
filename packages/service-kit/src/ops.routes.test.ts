import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetricsRegistry } from './metrics.ts';
import { type OpsOptions, type ReadinessCheck, registerOpsRoutes } from './ops.routes.ts';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

function build(checks: ReadinessCheck[], options: Partial<OpsOptions> = {}) {
  const app = Fastify();
  apps.push(app);
  let shuttingDown = false;
  registerOpsRoutes(app, {
    registry: createMetricsRegistry('ops-test'),
    checks,
    isShuttingDown: () => shuttingDown,
    ...options,
  });
  return {
    readyz: async () => {
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      return { status: res.statusCode, body: res.json() as Record<string, unknown> };
    },
    app,
    beginShutdown: () => {
      shuttingDown = true;
    },
  };
}

const up = (name: string): ReadinessCheck => ({ name, check: () => true });
const down = (name: string): ReadinessCheck => ({ name, check: async () => false });
const throwing = (name: string): ReadinessCheck => ({
  name,
  check: () => {
    throw new Error('connection refused');
  },
});

describe('registerOpsRoutes', () => {
  it('answers /healthz with 200 whatever the dependencies say', async () => {
    const { app } = build([down('kafka')]);
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it("is ready in 'all' mode only when every check passes", async () => {
    expect(await build([up('kafka'), up('db')]).readyz()).toEqual({
      status: 200,
      body: { status: 'ready', shuttingDown: false, checks: { kafka: true, db: true } },
    });
    expect(await build([up('kafka'), down('db')]).readyz()).toEqual({
      status: 503,
      body: { status: 'not_ready', shuttingDown: false, checks: { kafka: true, db: false } },
    });
  });

  it("is ready in 'any' mode when one check passes, not when none does", async () => {
    expect((await build([down('kafka'), up('spool')], { mode: 'any' }).readyz()).status).toBe(200);
    expect((await build([down('kafka'), down('spool')], { mode: 'any' }).readyz()).status).toBe(503);
  });

  it('counts a throwing check as failed instead of answering 500', async () => {
    expect(await build([up('kafka'), throwing('db')]).readyz()).toEqual({
      status: 503,
      body: { status: 'not_ready', shuttingDown: false, checks: { kafka: true, db: false } },
    });
  });

  it('is not ready once shutdown began, even with every dependency up', async () => {
    const ops = build([up('kafka')]);
    expect((await ops.readyz()).status).toBe(200);
    ops.beginShutdown();
    expect(await ops.readyz()).toEqual({
      status: 503,
      body: { status: 'not_ready', shuttingDown: true, checks: { kafka: true } },
    });
  });

  it('serves the registry on /metrics', async () => {
    const { app } = build([]);
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
  });
});
