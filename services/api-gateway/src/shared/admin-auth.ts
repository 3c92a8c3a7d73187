import { timingSafeEqual } from 'node:crypto';
import { AppError } from '@omnistream/service-kit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AdminKeysRepository } from '../features/admin-keys/index.ts';
import type {
  ConsoleSession,
  ConsoleSessionsRepository,
} from '../features/console/console-sessions.repository.ts';
import type { AuthFailureLimiter } from './auth-failure-limiter.ts';

// RFC 6750 token68 characters; anything else cannot be one of our keys.
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/;

/** Why an admin request was refused, as counted in `omnistream_gateway_admin_auth_failures_total`. */
export type AuthFailureReason = 'missing' | 'malformed' | 'unknown' | 'rate_limited' | 'session' | 'csrf';

/** The console's session cookie (docs/console.md). */
export const SESSION_COOKIE = 'osg_session';
/** The header a console session's state-changing calls carry its CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AdminAuthDeps {
  keys: AdminKeysRepository;
  /** Console sessions: a request without Authorization may authenticate with the session cookie. */
  sessions?: ConsoleSessionsRepository | undefined;
  limiter: AuthFailureLimiter;
  onFailure?: ((reason: AuthFailureReason) => void) | undefined;
}

/**
 * Authenticates every request of the scope it is registered in. Missing, malformed, unknown and
 * revoked keys all get the same 401, so a caller learns nothing about which it was; a client with
 * too many failures gets 429 until its window ends. Runs in onRequest: nothing of an
 * unauthenticated request's body is read.
 *
 * The client is `request.ip`: the connection's address, or X-Forwarded-For's when the connection
 * comes from one of TRUSTED_PROXIES. Only a presented credential that is wrong counts as a
 * failure: a request without Authorization guesses nothing (a browser or crawler opening the
 * public /oauth/{provider}/start link), and counting it would let anyone lock a client out.
 */
export function registerAdminAuth(app: FastifyInstance, deps: AdminAuthDeps): void {
  app.addHook('onRequest', async (request) => {
    const address = request.ip;
    const wait = deps.limiter.blockedFor(address);
    if (wait > 0) {
      deps.onFailure?.('rate_limited');
      request.log.warn({ address }, 'admin authentication rate-limited');
      throw new AppError('GW_RATE_LIMITED', 'too many failed authentications; retry later', {
        status: 429,
        headers: { 'retry-after': String(wait) },
      });
    }
    const header = request.headers.authorization;
    const cookie = header === undefined ? request.cookies?.[SESSION_COOKIE] : undefined;
    if (cookie !== undefined && deps.sessions) {
      const session = await authenticateSession(request, cookie, deps);
      request.adminKey = session.adminKey;
      request.consoleSession = session;
      return;
    }
    const match = BEARER.exec(header ?? '');
    const adminKey = match?.[1] ? await deps.keys.authenticate(match[1]) : null;
    if (!adminKey) {
      const reason: AuthFailureReason = header === undefined ? 'missing' : match ? 'unknown' : 'malformed';
      if (reason !== 'missing') deps.limiter.recordFailure(address);
      deps.onFailure?.(reason);
      request.log.warn({ address, reason }, 'admin authentication failed');
      throw new AppError('GW_UNAUTHORIZED', 'a valid admin key is required', {
        status: 401,
        headers: { 'www-authenticate': 'Bearer realm="omnistream-admin"' },
      });
    }
    request.adminKey = adminKey;
  });
}

/**
 * A request of the console: its session cookie, and for a state-changing method the session's CSRF
 * token in X-CSRF-Token (a synchronizer token on top of SameSite=Strict). A wrong or expired cookie
 * is not counted by the failure limiter: the token is 256 random bits, nothing to guess, and a
 * browser holding an expired cookie must not lock its address out of signing in again.
 */
async function authenticateSession(
  request: FastifyRequest,
  cookie: string,
  deps: AdminAuthDeps,
): Promise<ConsoleSession> {
  const session = await deps.sessions?.authenticate(cookie);
  if (!session) {
    deps.onFailure?.('session');
    request.log.info({ address: request.ip }, 'console session expired, signed out or unknown');
    throw new AppError('GW_UNAUTHORIZED', 'the console session ended; sign in again', { status: 401 });
  }
  if (!SAFE_METHODS.has(request.method)) {
    const sent = request.headers[CSRF_HEADER];
    const given = Buffer.from(typeof sent === 'string' ? sent : '');
    const expected = Buffer.from(session.csrfToken);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      deps.onFailure?.('csrf');
      request.log.warn(
        { address: request.ip, method: request.method },
        'console request without its CSRF token',
      );
      throw new AppError(
        'GW_FORBIDDEN',
        `a console request that changes something needs the session's ${CSRF_HEADER} header`,
        {
          status: 403,
        },
      );
    }
  }
  return session;
}

/**
 * Whether the credential a request authenticated with still holds (a long-lived request, the live
 * update stream, asks again now and then): its session is not ended, its key not revoked.
 */
export async function credentialStillValid(request: FastifyRequest, deps: AdminAuthDeps): Promise<boolean> {
  if (request.consoleSession) {
    const cookie = request.cookies?.[SESSION_COOKIE];
    return cookie !== undefined && (await deps.sessions?.authenticate(cookie)) != null;
  }
  const key = BEARER.exec(request.headers.authorization ?? '')?.[1];
  return key !== undefined && (await deps.keys.authenticate(key)) !== null;
}
