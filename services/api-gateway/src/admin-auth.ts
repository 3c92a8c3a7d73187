import { AppError } from '@omnistream/service-kit';
import type { FastifyInstance } from 'fastify';
import type { AdminKeysRepository } from './admin-keys.repository.ts';
import type { AuthFailureLimiter } from './auth-failure-limiter.ts';

// RFC 6750 token68 characters; anything else cannot be one of our keys.
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/;

/**
 * Authenticates every request of the scope it is registered in. Missing, malformed, unknown and
 * revoked keys all get the same 401, so a caller learns nothing about which it was; an address
 * with too many failures gets 429 until its window ends. Runs in onRequest: nothing of an
 * unauthenticated request's body is read.
 */
export function registerAdminAuth(
  app: FastifyInstance,
  deps: { keys: AdminKeysRepository; limiter: AuthFailureLimiter },
): void {
  app.addHook('onRequest', async (request) => {
    const address = request.ip;
    const wait = deps.limiter.blockedFor(address);
    if (wait > 0) {
      request.log.warn({ address }, 'admin authentication rate-limited');
      throw new AppError('GW_RATE_LIMITED', 'too many failed authentications; retry later', {
        status: 429,
        headers: { 'retry-after': String(wait) },
      });
    }
    const match = BEARER.exec(request.headers.authorization ?? '');
    const adminKey = match?.[1] ? await deps.keys.authenticate(match[1]) : null;
    if (!adminKey) {
      deps.limiter.recordFailure(address);
      request.log.warn({ address }, 'admin authentication failed');
      throw new AppError('GW_UNAUTHORIZED', 'a valid admin key is required', {
        status: 401,
        headers: { 'www-authenticate': 'Bearer realm="omnistream-admin"' },
      });
    }
    request.adminKey = adminKey;
  });
}
