import { parse as parseQuery } from 'node:querystring';
import Fastify, { type FastifyError, type FastifyInstance, LogController } from 'fastify';
import { ZodError } from 'zod';
import { registerBusinessRoutes } from './business.routes.ts';
import { errorResult } from './graph-call.ts';
import { registerMediaUploadRoutes } from './media-upload.routes.ts';
import { registerMessageRoutes } from './messages.routes.ts';
import { invalidParam, unexpected, unknownPath } from './meta-errors.ts';
import { registerOAuthRoutes } from './oauth.routes.ts';
import { registerObjectRoutes } from './objects.routes.ts';
import type { SimContext } from './sim-context.ts';
import { registerTemplateRoutes } from './templates.routes.ts';
import { registerTokenRoutes } from './token.routes.ts';

/** The Fastify app with every Graph route, Meta-shaped error handling, and no listening. */
export function buildServer(ctx: SimContext, bodyLimit: number): FastifyInstance {
  const fastify = Fastify({
    logger: false,
    // No per-request log lines: they would dominate the profile at benchmark rates.
    logController: new LogController({ disableRequestLogging: true }),
    // Hung (timeout-fault) connections must not keep stop() waiting.
    forceCloseConnections: true,
    // Longer than typical client idle timeouts, so keep-alive sockets are reused under load.
    keepAliveTimeout: 72_000,
    bodyLimit,
    routerOptions: { ignoreTrailingSlash: true },
  });

  // Graph accepts form-encoded parameters as well as JSON (api.instagram.com requires a form).
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_req, body, done) => done(null, { ...parseQuery(body as string) }),
  );

  // Uploads (media-upload.routes.ts) read the raw multipart stream themselves.
  fastify.addContentTypeParser('multipart/form-data', (_req, _payload, done) => done(null, undefined));

  fastify.setErrorHandler((err: FastifyError, req, reply) => {
    if (req.url.startsWith('/_sim')) {
      const status = err instanceof ZodError ? 400 : (err.statusCode ?? 400);
      const issues = err instanceof ZodError ? err.issues : undefined;
      return reply.code(status).send({ error: { message: err.message, ...(issues ? { issues } : {}) } });
    }
    // Body parsing failures reach here before any route logic: answer like Graph would.
    if (typeof err.statusCode === 'number' && err.statusCode < 500) {
      const mapped = errorResult(
        invalidParam(
          err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'Request body too large' : 'Invalid JSON for postbody',
        ),
      );
      return reply.code(err.statusCode === 413 ? 413 : 400).send(mapped.body);
    }
    ctx.logger.error({ err }, 'meta-sim request failed');
    return reply.code(500).send(unexpected().body());
  });

  fastify.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/_sim'))
      return reply.code(404).send({ error: { message: `no control route ${req.method} ${req.url}` } });
    const q = req.url.indexOf('?');
    const err = unknownPath(q < 0 ? req.url : req.url.slice(0, q));
    return reply.code(err.status).send(err.body());
  });

  registerMessageRoutes(fastify, ctx);
  registerTokenRoutes(fastify, ctx);
  registerMediaUploadRoutes(fastify, ctx);
  registerObjectRoutes(fastify, ctx);
  registerTemplateRoutes(fastify, ctx);
  registerOAuthRoutes(fastify, ctx);
  registerBusinessRoutes(fastify, ctx);
  return fastify;
}
