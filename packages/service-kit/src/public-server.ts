import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Logger } from '@omnistream/logger';
import { type FastifyBaseLogger, type FastifyHttpOptions, LogController } from 'fastify';
import { type HttpLimits, httpServerOptions } from './http-limits.ts';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * The fastify options every public server (webhook-ingestor, api-gateway) shares: the HTTP limits,
 * the logger with a request id per line (a proxy's X-Request-Id is kept, so a webhook can be traced
 * end to end), and a shutdown that closes idle keep-alive connections at once and answers 503 to
 * requests arriving after close() began. Apply capConnections() to the instance.
 */
export function publicServerOptions(options: {
  logger: Logger;
  limits: HttpLimits;
  bodyLimit: number;
}): FastifyHttpOptions<Server, FastifyBaseLogger> {
  return {
    ...httpServerOptions(options.limits),
    loggerInstance: options.logger as FastifyBaseLogger,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    logController: new LogController({ requestIdLogLabel: 'reqId', disableRequestLogging: true }),
    bodyLimit: options.bodyLimit,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  };
}
