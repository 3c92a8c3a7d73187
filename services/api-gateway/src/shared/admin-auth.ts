import { AppError } from '@omnistream/service-kit';
import type { FastifyInstance } from 'fastify';
import type { AdminKeysRepository } from '../features/admin-keys/index.ts';
import type { AuthFailureLimiter } from './auth-failure-limiter.ts';

// RFC 6750 token68 characters; anything else cannot be one of our keys.
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/;

/** Why an admin request was refused, as counted in `omnistream_gateway_admin_auth_failures_total`. */
export type AuthFailureReason = 'missing' | 'malformed' | 'unknown' | 'rate_limited';

export interface AdminAuthDeps {
  keys: AdminKeysRepository;
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
