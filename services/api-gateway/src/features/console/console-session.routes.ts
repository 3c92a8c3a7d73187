import { AppError } from '@omnistream/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AdminApp } from '../../shared/admin-app.ts';
import { type AdminAuthDeps, registerAdminAuth, SESSION_COOKIE } from '../../shared/admin-auth.ts';
import { toIso } from '../../shared/iso-date.ts';
import type { ConsoleSession, ConsoleSessionsRepository } from './console-sessions.repository.ts';

export interface ConsoleSessionRouteDeps {
  auth: AdminAuthDeps;
  sessions: ConsoleSessionsRepository;
  /** CONSOLE_SESSION_HOURS, in ms. */
  sessionTtlMs: number;
}

const SessionView = z.object({
  csrfToken: z
    .string()
    .describe('send it as X-CSRF-Token with every call that changes something (POST, PUT, PATCH, DELETE)'),
  expiresAt: z.iso.datetime(),
  adminKey: z.object({ id: z.uuid(), name: z.string(), prefix: z.string() }),
});

const view = (s: ConsoleSession): z.infer<typeof SessionView> => ({
  csrfToken: s.csrfToken,
  expiresAt: toIso(s.expiresAt),
  adminKey: { id: s.adminKey.id, name: s.adminKey.name, prefix: s.adminKey.prefix },
});

const unauthorized = () =>
  new AppError('GW_UNAUTHORIZED', 'a valid admin key is required', {
    status: 401,
    headers: { 'www-authenticate': 'Bearer realm="omnistream-admin"' },
  });

/** Secure only over HTTPS (request.protocol honours X-Forwarded-Proto from TRUSTED_PROXIES). */
function cookieOptions(request: FastifyRequest, maxAgeSeconds: number) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: request.protocol === 'https',
    maxAge: maxAgeSeconds,
  };
}

/**
 * The console's sign-in (docs/console.md): an admin key is exchanged for a session cookie
 * (HttpOnly, SameSite=Strict, Secure over HTTPS) and a CSRF token; the key is not kept by the
 * browser. A wrong key counts toward the same failure limiter as the API's bearer keys.
 */
export function registerConsoleSessionRoutes(app: AdminApp, deps: ConsoleSessionRouteDeps): void {
  const { auth, sessions } = deps;
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

  app.post(
    '/console/session',
    {
      schema: {
        tags: ['console'],
        summary: 'Sign in to the console: exchange an admin key for a session cookie',
        description:
          'Sets the `osg_session` cookie (HttpOnly, SameSite=Strict, Secure over HTTPS) and answers ' +
          'the CSRF token. 401 for a wrong or revoked key (counted like a failed bearer key; 429 ' +
          'when the address failed too often).',
        body: z.strictObject({ key: z.string().min(1).max(512) }),
        response: { 200: SessionView },
      },
    },
    async (request, reply) => {
      const address = request.ip;
      const wait = auth.limiter.blockedFor(address);
      if (wait > 0) {
        auth.onFailure?.('rate_limited');
        throw new AppError('GW_RATE_LIMITED', 'too many failed authentications; retry later', {
          status: 429,
          headers: { 'retry-after': String(wait) },
        });
      }
      const adminKey = await auth.keys.authenticate(request.body.key);
      if (!adminKey) {
        auth.limiter.recordFailure(address);
        auth.onFailure?.('unknown');
        request.log.warn({ address, reason: 'unknown' }, 'console sign-in failed');
        throw unauthorized();
      }
      const { token, session } = await sessions.create({ adminKeyId: adminKey.id, ttlMs: deps.sessionTtlMs });
      request.log.info({ adminKeyId: adminKey.id, sessionId: session.id }, 'console session started');
      void reply.setCookie(
        SESSION_COOKIE,
        token,
        cookieOptions(request, Math.floor(deps.sessionTtlMs / 1000)),
      );
      return noStore(reply).send(view(session));
    },
  );

  void app.register(async (plugin) => {
    const scope = plugin as unknown as AdminApp;
    registerAdminAuth(scope, auth);
    const current = (request: FastifyRequest): ConsoleSession => {
      if (!request.consoleSession) throw unauthorized();
      return request.consoleSession;
    };
    scope.get(
      '/console/session',
      {
        schema: {
          tags: ['console'],
          summary: "The console session of the request's cookie (401 when there is none)",
          response: { 200: SessionView },
        },
      },
      async (request, reply) => noStore(reply).send(view(current(request))),
    );
    scope.delete(
      '/console/session',
      {
        schema: {
          tags: ['console'],
          summary: 'Sign out of the console: ends the session and clears its cookie',
          description: 'Needs the X-CSRF-Token header.',
        },
      },
      async (request, reply) => {
        const session = current(request);
        await sessions.revoke(session.id);
        request.log.info({ adminKeyId: session.adminKey.id, sessionId: session.id }, 'console session ended');
        void reply.clearCookie(SESSION_COOKIE, cookieOptions(request, 0));
        return noStore(reply).status(204).send();
      },
    );
  });
}
