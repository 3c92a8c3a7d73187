import { randomUUID } from 'node:crypto';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { Logger } from '@omnistream/logger';
import {
  capConnections,
  checkJsonDepth,
  DEFAULT_HTTP_LIMITS,
  type HttpLimits,
  httpServerOptions,
  instrumentHttp,
  type ReadinessCheck,
  registerErrorHandler,
  registerOpsRoutes,
} from '@omnistream/service-kit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import type { AdminApp } from './admin-app.ts';
import { registerAdminAuth } from './admin-auth.ts';
import type { AdminKeysRepository } from './admin-keys.repository.ts';
import type { AuthFailureLimiter } from './auth-failure-limiter.ts';
import { answerDatabaseOutagesWith503 } from './database-unavailable.ts';
import { type GatewayMetrics, NO_METRICS } from './gateway-metrics.ts';
import { type QuarantineRouteDeps, registerQuarantineRoutes } from './quarantine/quarantine.routes.ts';
import { refuseUnstorableStrings } from './request-strings.ts';
import { type AdminKeysRouteDeps, registerAdminKeyRoutes } from './routes/admin-keys.routes.ts';
import { type ContactsRouteDeps, registerContactRoutes } from './routes/contacts.routes.ts';
import { type DlqRouteDeps, registerDlqRoutes } from './routes/dlq.routes.ts';
import { type FbeRouteDeps, registerFbeRoutes } from './routes/fbe.routes.ts';
import { type IntegrationsRouteDeps, registerIntegrationRoutes } from './routes/integrations.routes.ts';
import { type MessagesRouteDeps, registerMessageRoutes } from './routes/messages.routes.ts';
import { type OauthRouteDeps, registerOauthRoutes } from './routes/oauth.routes.ts';
import { registerTemplateRoutes, type TemplatesRouteDeps } from './routes/templates.routes.ts';
import { zodValidatorCompiler } from './zod-validator.ts';

export interface GatewayCoreDeps {
  logger: Logger;
  registry: Registry;
  readiness: readonly ReadinessCheck[];
  isShuttingDown(): boolean;
  adminKeys: AdminKeysRepository;
  authLimiter: AuthFailureLimiter;
  /** Timeouts and the connection cap of the HTTP server (defaults: DEFAULT_HTTP_LIMITS). */
  httpLimits?: HttpLimits | undefined;
  /** TRUSTED_PROXIES: whose X-Forwarded-For names the client (default: nobody's). */
  trustedProxies?: readonly string[] | undefined;
  metrics?: GatewayMetrics | undefined;
}

export type GatewayAppDeps = GatewayCoreDeps &
  AdminKeysRouteDeps &
  IntegrationsRouteDeps &
  MessagesRouteDeps &
  TemplatesRouteDeps &
  DlqRouteDeps &
  OauthRouteDeps &
  FbeRouteDeps &
  ContactsRouteDeps &
  QuarantineRouteDeps;

/** Every admin route's OpenAPI security requirement: the bearer admin key. */
const ADMIN_SECURITY = [{ adminKey: [] }];

/** The gateway's HTTP app. Never listens: main.ts does, tests use inject() or listen on port 0. */
export async function buildApp(deps: GatewayAppDeps): Promise<FastifyInstance> {
  const limits = deps.httpLimits ?? DEFAULT_HTTP_LIMITS;
  const app = Fastify({
    ...httpServerOptions(limits),
    loggerInstance: deps.logger as FastifyBaseLogger,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    },
    logController: new LogController({ requestIdLogLabel: 'reqId', disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // request.ip (the admin auth limiter's key) is X-Forwarded-For's client only behind these.
    trustProxy: deps.trustedProxies?.length ? [...deps.trustedProxies] : false,
  }).withTypeProvider<ZodTypeProvider>();
  capConnections(app, limits);
  // fastify's own JSON parser (with its prototype-poisoning checks) behind a nesting bound: zod and
  // the serializers recurse, so a 5,000-deep body would otherwise overflow the stack (500).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    try {
      checkJsonDepth(text);
    } catch (err) {
      done(err as Error, undefined);
      return;
    }
    parseJson(request, text, done);
  });
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  instrumentHttp(app, deps.registry);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'OmniStream Gateway admin API',
        description:
          'Connect WhatsApp, Messenger and Instagram channels, rotate tokens, send messages, manage ' +
          'WhatsApp templates and replay dead letters. Every /admin route needs `Authorization: Bearer <admin key>`.',
        version: '1.0.0',
      },
      components: {
        securitySchemes: { adminKey: { type: 'http', scheme: 'bearer', description: 'admin API key' } },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerOpsRoutes(app, {
    registry: deps.registry,
    checks: deps.readiness,
    isShuttingDown: deps.isShuttingDown,
  });

  const auth = {
    keys: deps.adminKeys,
    limiter: deps.authLimiter,
    onFailure: (deps.metrics ?? NO_METRICS).authFailure,
  };
  // Every API route (not the ops routes, which answer for themselves) in one scope.
  await app.register(async (api) => {
    answerDatabaseOutagesWith503(api);
    refuseUnstorableStrings(api);
    await api.register(
      async (scope) => {
        const admin = scope as unknown as AdminApp;
        admin.addHook('onRoute', (route) => {
          route.schema = { ...route.schema, security: ADMIN_SECURITY };
        });
        registerAdminAuth(admin, auth);
        registerAdminKeyRoutes(admin, deps);
        registerIntegrationRoutes(admin, deps);
        registerMessageRoutes(admin, deps);
        registerTemplateRoutes(admin, deps);
        registerDlqRoutes(admin, deps);
        registerFbeRoutes(admin, deps);
        registerContactRoutes(admin, deps);
        registerQuarantineRoutes(admin, deps);
      },
      { prefix: '/admin' },
    );

    // OAuth onboarding: `start` routes authenticate the admin themselves (a browser redirect cannot
    // carry a bearer header everywhere), callbacks are authenticated by their single-use state.
    registerOauthRoutes(api as unknown as AdminApp, { ...deps, auth });
  });

  // During shutdown every response closes its connection, so keep-alive clients move on.
  app.addHook('onSend', async (_request, reply) => {
    if (deps.isShuttingDown()) void reply.header('connection', 'close');
  });
  return app;
}
