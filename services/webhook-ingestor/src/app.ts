import type { Logger } from '@omnistream/logger';
import {
  AppError,
  capConnections,
  DEFAULT_HTTP_LIMITS,
  type HttpLimits,
  instrumentHttp,
  publicServerOptions,
  type ReadinessCheck,
  registerErrorHandler,
  registerOpsRoutes,
} from '@omnistream/service-kit';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { EventPublisher } from './event-publisher.ts';
import type { IngestorMetrics } from './metrics.ts';
import type { NormalizeContext, WebhookRoute } from './normalize/index.ts';
import { registerWebhookRoutes } from './webhook.routes.ts';

export interface IngestorAppDeps {
  logger: Logger;
  verifyToken: string;
  appSecret: string;
  /** The Instagram Login app's own secret; the Instagram route accepts either. */
  instagramAppSecret?: string | undefined;
  bodyLimitBytes: number;
  /** Timeouts and the connection cap of the public server (defaults: DEFAULT_HTTP_LIMITS). */
  httpLimits?: HttpLimits | undefined;
  publisher: Pick<EventPublisher, 'publish'>;
  normalizeContext(): NormalizeContext;
  metrics: IngestorMetrics;
  registry: Registry;
  /** Ready when any of these passes (Kafka or the spool can take events). */
  readiness: readonly ReadinessCheck[];
  isShuttingDown(): boolean;
}

/** The ingestor's HTTP app. Never listens: main.ts does, tests use inject() or listen on port 0. */
export function buildApp(deps: IngestorAppDeps): FastifyInstance {
  const limits = deps.httpLimits ?? DEFAULT_HTTP_LIMITS;
  const app = Fastify(publicServerOptions({ logger: deps.logger, limits, bodyLimit: deps.bodyLimitBytes }));
  capConnections(app, limits);

  // The raw bytes are what Meta signed, so the body stays a Buffer until the signature is checked;
  // routes parse JSON themselves. Any other content type gets fastify's 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    /^application\/json\s*(;.*)?$/i,
    { parseAs: 'buffer', bodyLimit: deps.bodyLimitBytes },
    (_request, body, done) => done(null, body),
  );

  registerErrorHandler(app);
  instrumentHttp(app, deps.registry);

  app.addHook('onRequest', async (request) => {
    if (deps.isShuttingDown() && request.url.startsWith('/webhook/')) {
      throw new AppError('GW_SHUTTING_DOWN', 'shutting down; retry shortly', {
        status: 503,
        headers: { connection: 'close', 'retry-after': '1' },
      });
    }
  });

  // During shutdown every response closes its connection: keep-alive sockets that became idle after
  // close() started would otherwise hold the server open until keepAliveTimeout (72 s).
  app.addHook('onSend', async (_request, reply) => {
    if (deps.isShuttingDown()) void reply.header('connection', 'close');
  });

  registerOpsRoutes(app, {
    registry: deps.registry,
    checks: deps.readiness,
    mode: 'any',
    isShuttingDown: deps.isShuttingDown,
  });

  const secrets = [deps.appSecret];
  const instagramSecrets = deps.instagramAppSecret ? [deps.appSecret, deps.instagramAppSecret] : secrets;
  registerWebhookRoutes(app, {
    verifyToken: deps.verifyToken,
    secretsFor: (route: WebhookRoute) => (route === 'instagram' ? instagramSecrets : secrets),
    publisher: deps.publisher,
    normalizeContext: deps.normalizeContext,
    metrics: deps.metrics,
    logger: deps.logger,
  });
  return app;
}
