import { type Server, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyHttpOptions, FastifyInstance } from 'fastify';
import type { ErrorCode } from './app-error.ts';

/** What one public HTTP server allows a client, so slow or numerous clients cannot hold it. */
export interface HttpLimits {
  /** The whole request (headers and body) must arrive within this; a slower one gets 408. */
  requestTimeoutMs: number;
  /** The headers must arrive within this (slowloris); at most requestTimeoutMs. */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Open connections beyond this are refused at accept time. */
  maxConnections: number;
}

/**
 * Node enforces the request and headers timeouts from a periodic sweep (30 s by default), so a
 * 5 s timeout could otherwise take 35 s to fire: sweep at a quarter of the shortest timeout.
 * https://nodejs.org/api/http.html#httpcreateserveroptions-requestlistener
 */
function sweepIntervalMs(limits: HttpLimits): number {
  return Math.max(
    250,
    Math.min(1_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)),
  );
}

function clientErrorBody(code: ErrorCode, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

/**
 * Answers a client error raised below fastify (timeouts, malformed or oversized request heads) in
 * the services' error format, then closes the connection, as Node and fastify's default do.
 */
function answerClientError(log: FastifyBaseLogger, err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  let status = 400;
  let body = clientErrorBody('GW_BAD_REQUEST', 'malformed HTTP request');
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    status = 408;
    body = clientErrorBody('GW_REQUEST_TIMEOUT', 'the request did not arrive in time');
  } else if (err.code === 'HPE_HEADER_OVERFLOW') {
    status = 431;
    body = clientErrorBody('GW_BAD_REQUEST', 'request headers are too large');
  }
  log.debug({ code: err.code, status }, 'client error before routing');
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/** Fastify options applying {@link HttpLimits}; pass `maxConnections` to {@link capConnections}. */
export function httpServerOptions(
  limits: HttpLimits,
): Pick<FastifyHttpOptions<Server>, 'requestTimeout' | 'keepAliveTimeout' | 'http' | 'clientErrorHandler'> {
  return {
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      connectionsCheckingInterval: sweepIntervalMs(limits),
    },
    clientErrorHandler(this: FastifyInstance, err, socket) {
      answerClientError(this.log, err, socket);
    },
  };
}

/** Refuses connections beyond `limits.maxConnections` (each one a file descriptor). */
export function capConnections(app: FastifyInstance, limits: HttpLimits): void {
  app.server.maxConnections = limits.maxConnections;
}

/** Node's and fastify's defaults would let a slow client hold a connection for minutes. */
export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  requestTimeoutMs: 15_000,
  headersTimeoutMs: 5_000,
  keepAliveTimeoutMs: 72_000,
  maxConnections: 4_096,
};

/** {@link HttpLimits} from the `httpLimitsBlock` variables of a loaded config. */
export function httpLimitsFromConfig(config: {
  HTTP_REQUEST_TIMEOUT_MS: number;
  HTTP_HEADERS_TIMEOUT_MS: number;
  HTTP_KEEP_ALIVE_TIMEOUT_MS: number;
  HTTP_MAX_CONNECTIONS: number;
}): HttpLimits {
  return {
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
    headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
    keepAliveTimeoutMs: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: config.HTTP_MAX_CONNECTIONS,
  };
}
