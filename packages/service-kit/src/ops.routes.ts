import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export interface ReadinessCheck {
  name: string;
  /** Resolves true when the dependency can serve; false or a throw means not ready. */
  check(): boolean | Promise<boolean>;
}

export interface OpsOptions {
  registry: Registry;
  checks: readonly ReadinessCheck[];
  /** How the checks combine: 'all' (default) or 'any' (e.g. ready when Kafka OR the spool works). */
  mode?: 'all' | 'any';
  /** True once shutdown began: readiness fails so the load balancer stops sending traffic. */
  isShuttingDown(): boolean;
}

/** /healthz (the process is alive), /readyz (its dependencies answer), /metrics (Prometheus). */
export function registerOpsRoutes(app: FastifyInstance, options: OpsOptions): void {
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));

  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    const results: Record<string, boolean> = {};
    await Promise.all(
      options.checks.map(async (c) => {
        try {
          results[c.name] = await c.check();
        } catch {
          results[c.name] = false;
        }
      }),
    );
    const values = Object.values(results);
    const depsOk = options.mode === 'any' ? values.some(Boolean) : values.every(Boolean);
    const shuttingDown = options.isShuttingDown();
    const ready = depsOk && !shuttingDown;
    return reply
      .status(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not_ready', shuttingDown, checks: results });
  });

  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
    const body = await options.registry.metrics();
    return reply.type(options.registry.contentType).send(body);
  });
}
