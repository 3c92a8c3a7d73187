import type { Logger } from '@omnistream/logger';
import { type ReadinessCheck, registerErrorHandler, registerOpsRoutes } from '@omnistream/service-kit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Registry } from 'prom-client';

export interface SenderOpsDeps {
  logger: Logger;
  registry: Registry;
  /** Ready when all of these pass (every consumer, the producer, the tokens and the lease). */
  readiness: readonly ReadinessCheck[];
  isShuttingDown(): boolean;
}

/** The sender's ops server (/healthz, /readyz, /metrics). Never listens: main.ts does. */
export function buildApp(deps: SenderOpsDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Probes and scrapes every few seconds would drown the log.
    logController: new LogController({ disableRequestLogging: true }),
  });
  registerErrorHandler(app);
  registerOpsRoutes(app, {
    registry: deps.registry,
    checks: deps.readiness,
    isShuttingDown: deps.isShuttingDown,
  });
  return app;
}
