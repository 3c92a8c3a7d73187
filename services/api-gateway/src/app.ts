import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { Logger } from '@omnistream/logger';
import {
  capConnections,
  checkJsonDepth,
  DEFAULT_HTTP_LIMITS,
  type HttpLimits,
  instrumentHttp,
  publicServerOptions,
  type ReadinessCheck,
  registerErrorHandler,
  registerOpsRoutes,
} from '@omnistream/service-kit';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import type { AdminApp } from './shared/admin-app.ts';
import { type AdminAuthDeps, registerAdminAuth } from './shared/admin-auth.ts';
import { databaseUnavailable } from './shared/database-unavailable.ts';
import type { FailureResponder, RegisterRoutes } from './shared/feature.ts';
import { refuseUnstorableStrings } from './shared/request-strings.ts';
import { zodValidatorCompiler } from './shared/zod-validator.ts';

/** Every feature's routes, as its start function returned them (gateway.ts). */
export interface GatewayRoutes {
  adminKeys: RegisterRoutes;
  integrations: RegisterRoutes;
  messages: RegisterRoutes;
  templates: RegisterRoutes;
  dlq: RegisterRoutes;
  fbe: RegisterRoutes;
  contacts: RegisterRoutes;
  quarantine: RegisterRoutes;
  conversations: RegisterRoutes;
  media: RegisterRoutes;
  /** The console's live update stream (/admin/stream). */
  liveUpdates: RegisterRoutes;
  /** Outside /admin: the start routes authenticate the admin themselves, callbacks by their state. */
  oauth: RegisterRoutes;
  /** Outside /admin: the console's pages and its sign-in (session) routes. */
  console: RegisterRoutes;
}

export interface GatewayAppDeps {
  logger: Logger;
  registry: Registry;
  readiness: readonly ReadinessCheck[];
  isShuttingDown(): boolean;
  /** Admin key checks, the failure limiter and the failure counter. */
  auth: AdminAuthDeps;
  /** Timeouts and the connection cap of the HTTP server (defaults: DEFAULT_HTTP_LIMITS). */
  httpLimits?: HttpLimits | undefined;
  /** TRUSTED_PROXIES: whose X-Forwarded-For names the client (default: nobody's). */
  trustedProxies?: readonly string[] | undefined;
  routes: GatewayRoutes;
  /** Failures a feature answers in its own form (the OAuth callbacks' page for browsers). */
  respondToFailure?: FailureResponder | undefined;
}
/** Every admin route's OpenAPI security requirement: the bearer admin key. */
const ADMIN_SECURITY: Record<string, string[]>[] = [{ adminKey: [] }, { consoleSession: [] }];

/** The gateway's HTTP app. Never listens: main.ts does, tests use inject() or listen on port 0. */
export async function buildApp(deps: GatewayAppDeps): Promise<FastifyInstance> {
  const limits = deps.httpLimits ?? DEFAULT_HTTP_LIMITS;
  const app = Fastify({
    ...publicServerOptions({ logger: deps.logger, limits, bodyLimit: 1024 * 1024 }),
    // request.ip (the admin auth limiter's key) is X-Forwarded-For's client only behind these.
    trustProxy: deps.trustedProxies?.length ? [...deps.trustedProxies] : false,
    // Room for a 128-character contact id, percent-encoded, in a path (fastify's default is 100;
    // longer segments get 414 before any schema runs); each route's schema bounds its own params.
    routerOptions: { maxParamLength: 256 },
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
  // The one error handler: PostgreSQL being down is a 503 with Retry-After wherever it happens.
  registerErrorHandler(app, { translate: databaseUnavailable, respond: deps.respondToFailure });
  instrumentHttp(app, deps.registry);
  // The console's session cookie (docs/console.md); read by the admin auth hook.
  await app.register(fastifyCookie);

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
        securitySchemes: {
          adminKey: { type: 'http', scheme: 'bearer', description: 'admin API key' },
          consoleSession: {
            type: 'apiKey',
            in: 'cookie',
            name: 'osg_session',
            description: 'the console session (POST /console/session); state-changing calls add X-CSRF-Token',
          },
        },
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

  const { routes } = deps;
  // Every API route (not the ops routes, which answer for themselves) in one scope.
  await app.register(async (api) => {
    refuseUnstorableStrings(api);
    await api.register(
      async (scope) => {
        const admin = scope as unknown as AdminApp;
        admin.addHook('onRoute', (route) => {
          route.schema = { ...route.schema, security: ADMIN_SECURITY };
        });
        registerAdminAuth(admin, deps.auth);
        // One line per feature (docs/architecture.md).
        routes.adminKeys(admin);
        routes.integrations(admin);
        routes.messages(admin);
        routes.templates(admin);
        routes.dlq(admin);
        routes.fbe(admin);
        routes.contacts(admin);
        routes.quarantine(admin);
        routes.conversations(admin);
        routes.media(admin);
        routes.liveUpdates(admin);
      },
      { prefix: '/admin' },
    );
    routes.oauth(api as unknown as AdminApp);
    routes.console(api as unknown as AdminApp);
  });

  // During shutdown every response closes its connection, so keep-alive clients move on.
  app.addHook('onSend', async (_request, reply) => {
    if (deps.isShuttingDown()) void reply.header('connection', 'close');
  });
  return app;
}
