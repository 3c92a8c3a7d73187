import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { AppError } from '@omnistream/service-kit';
import type { FastifyReply } from 'fastify';
import type { AdminApp } from '../../shared/admin-app.ts';

/**
 * The console's Content-Security-Policy: its own scripts and styles only (Vite emits no inline
 * script or style), images and media from the gateway itself (the media route), calls to the
 * gateway only, and no framing. https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  // Always revalidated: a new build's index.html names new hashed assets.
  'cache-control': 'no-cache',
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};

/**
 * Serves the built console (`pnpm build` writes services/api-gateway/console/dist): hashed assets
 * under /console/assets/ cached for a year as immutable, and index.html, never cached, for /console
 * and every path below it (the console routes in the browser). Without a build, /console answers
 * 503 saying how to build it.
 */
export async function registerConsoleStatic(app: AdminApp, deps: { dir: string }): Promise<void> {
  const indexFile = join(deps.dir, 'index.html');
  const built = existsSync(indexFile);
  const index = built ? readFileSync(indexFile) : null;
  if (built) {
    await app.register(fastifyStatic, {
      root: join(deps.dir, 'assets'),
      prefix: '/console/assets/',
      decorateReply: false,
      index: false,
      maxAge: '365d',
      immutable: true,
      setHeaders: (res) => void res.header('x-content-type-options', 'nosniff'),
    });
  }
  const page = async (_request: unknown, reply: FastifyReply) => {
    if (!index) {
      throw new AppError('GW_UNAVAILABLE', 'the console is not built: run `pnpm build`', { status: 503 });
    }
    return reply.headers(PAGE_HEADERS).send(index);
  };
  const schema = { hide: true };
  app.get('/console', { schema }, page);
  app.get('/console/*', { schema }, page);
}
