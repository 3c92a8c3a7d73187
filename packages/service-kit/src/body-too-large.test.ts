import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerErrorHandler } from './error-handler.ts';

const LIMIT = 1024 * 1024;
let app: FastifyInstance;
let port: number;

beforeAll(async () => {
  app = Fastify({ bodyLimit: LIMIT });
  registerErrorHandler(app);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_r, body, done) => done(null, body));
  app.post('/in', async () => 'ok');
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as AddressInfo).port;
});
afterAll(() => app.close());

interface Outcome {
  status?: number;
  body?: string;
  clientError?: string;
}

/** Posts `size` bytes in 64 KiB writes, as an uploading client does, and reports what it saw. */
function post(size: number, framing: 'content-length' | 'chunked'): Promise<Outcome> {
  return new Promise((resolve) => {
    const outcome: Outcome = {};
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' };
    if (framing === 'content-length') headers['content-length'] = size;
    const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/in', headers }, (res) => {
      outcome.status = res.statusCode;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => {
        outcome.body = text;
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      outcome.clientError = err.code ?? err.message;
    });
    req.on('close', () => resolve(outcome));
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const write = (): void => {
      while (sent < size) {
        const part = chunk.subarray(0, Math.min(chunk.length, size - sent));
        sent += part.length;
        if (!req.write(part)) {
          req.once('drain', write);
          return;
        }
      }
      req.end();
    };
    write();
  });
}

describe('a body over the limit', () => {
  for (const framing of ['content-length', 'chunked'] as const) {
    it(`gets a 413 the still-sending client can read (${framing})`, async () => {
      const outcome = await post(4 * LIMIT, framing);
      expect(outcome.clientError).toBeUndefined();
      expect(outcome.status).toBe(413);
      expect(JSON.parse(outcome.body ?? '{}').error.code).toBe('GW_PAYLOAD_TOO_LARGE');
    });
  }

  it('leaves the server answering the next request', async () => {
    const outcome = await post(1000, 'content-length');
    expect(outcome).toMatchObject({ status: 200, body: 'ok' });
  });
});
