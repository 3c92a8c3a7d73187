import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AdminKey } from '../features/admin-keys/index.ts';
import type { ConsoleSession } from '../features/console/console-sessions.repository.ts';

/** The admin scope: routes get zod-typed requests, and every request is authenticated. */
export type AdminApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

declare module 'fastify' {
  interface FastifyRequest {
    /** The admin key that authenticated this request (set on every /admin route). */
    adminKey?: AdminKey;
    /** The console session the request came with (cookie), when it did not use a bearer key. */
    consoleSession?: ConsoleSession;
  }
}
