import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from './app-error.ts';
import { InvalidCursorError } from './cursor.ts';
import { DomainError } from './domain-error.ts';
import { DOMAIN_STATUS, registerErrorHandler } from './error-handler.ts';
import { capturingLogger } from './test-logger.ts';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

function build() {
  const { logger, lines } = capturingLogger();
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger });
  apps.push(app);
  registerErrorHandler(app);
  app.get('/limited', async () => {
    throw new AppError('GW_RATE_LIMITED', 'too many requests', {
      status: 429,
      headers: { 'retry-after': '7' },
      details: { limit: 5 },
    });
  });
  app.post(
    '/things',
    {
      schema: {
        body: {
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string' }, size: { type: 'integer' } },
        },
      },
    },
    async () => ({ ok: true }),
  );
  app.get('/boom', async () => {
    throw new Error('db password=hunter2 exploded');
  });
  return { app, lines };
}

describe('registerErrorHandler', () => {
  it('turns an AppError into its status, headers and body with the request id', async () => {
    const { app } = build();
    const res = await app.inject({ method: 'GET', url: '/limited' });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('7');
    expect(res.json()).toEqual({
      error: {
        code: 'GW_RATE_LIMITED',
        message: 'too many requests',
        limit: 5,
        requestId: expect.any(String),
      },
    });
  });

  it('answers a schema validation failure with 400 and every field at fault', async () => {
    const { app } = build();
    const res = await app.inject({ method: 'POST', url: '/things', payload: { size: 'big' } });
    expect(res.statusCode).toBe(400);
    const body = res.json() as { error: { code: string; issues: { path: string; message: string }[] } };
    expect(body.error.code).toBe('GW_VALIDATION');
    expect(body.error.issues.length).toBeGreaterThan(0);
    expect(body.error.issues.every((i) => i.path.startsWith('body'))).toBe(true);
    expect(body.error.issues.map((i) => i.message).join(' ')).toMatch(/name/);
  });

  it('answers invalid JSON with 400, not 500', async () => {
    const { app } = build();
    const res = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expect(res.statusCode).toBe(400);
    expect((res.json() as { error: { code: string } }).error.code).toBe('GW_INVALID_JSON');
  });

  it('hides an unexpected error behind a 500 and logs it under the error id it names', async () => {
    const { app, lines } = build();
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    const body = res.json() as { error: { code: string; message: string; requestId: string } };
    expect(body.error.code).toBe('GW_INTERNAL');
    expect(res.body).not.toContain('hunter2');
    const errorId = /internal error \(id ([0-9a-f-]{36})\)/.exec(body.error.message)?.[1];
    expect(errorId).toBeDefined();
    const logged = lines.find((l) => l.msg === 'unexpected error');
    expect(logged?.errorId).toBe(errorId);
    expect(JSON.stringify(logged?.err)).toContain('exploded');
  });

  it('answers an unknown route with a 404 in the same format, without the query string', async () => {
    const { app } = build();
    const res = await app.inject({ method: 'DELETE', url: '/nowhere?token=abc' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: { code: 'GW_NOT_FOUND', message: 'no route for DELETE /nowhere', requestId: expect.any(String) },
    });
  });
});

describe('registerErrorHandler with DomainError', () => {
  function buildDomain(thrown: () => Error) {
    const { logger, lines } = capturingLogger();
    const app = Fastify({ loggerInstance: logger as FastifyBaseLogger });
    apps.push(app);
    registerErrorHandler(app);
    app.get('/domain', async () => {
      throw thrown();
    });
    return { app, lines };
  }

  it.each([
    ['GW_VALIDATION', 400],
    ['GW_BAD_REQUEST', 400],
    ['GW_INVALID_CURSOR', 400],
    ['GW_NOT_FOUND', 404],
    ['GW_CONFLICT', 409],
    ['GW_UNAVAILABLE', 503],
  ] as const)('answers a DomainError %s with %i, its code and message', async (code, status) => {
    const { app } = buildDomain(() => new DomainError(code, `failed with ${code}`));
    const res = await app.inject({ method: 'GET', url: '/domain' });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual({
      error: { code, message: `failed with ${code}`, requestId: expect.any(String) },
    });
  });

  it('adds its details to the body and keeps code and requestId its own', async () => {
    const { app } = buildDomain(
      () => new DomainError('GW_CONFLICT', 'already there', { details: { id: 'i-1', code: 'x' } }),
    );
    const res = await app.inject({ method: 'GET', url: '/domain' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({
      error: { id: 'i-1', code: 'GW_CONFLICT', message: 'already there', requestId: expect.any(String) },
    });
  });

  it('answers an InvalidCursorError with 400 GW_INVALID_CURSOR, not 500', async () => {
    const { app } = buildDomain(() => new InvalidCursorError());
    const res = await app.inject({ method: 'GET', url: '/domain' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'GW_INVALID_CURSOR',
      message: 'invalid pagination cursor',
    });
  });

  it('hides a 5xx DomainError cause from the client but logs it', async () => {
    const { app, lines } = buildDomain(
      () =>
        new DomainError('GW_UNAVAILABLE', 'store unreachable', {
          cause: new Error('pw=hunter2'),
          retryable: true,
        }),
    );
    const res = await app.inject({ method: 'GET', url: '/domain' });
    expect(res.statusCode).toBe(503);
    expect(res.body).not.toContain('hunter2');
    expect(lines.some((l) => l.msg === 'store unreachable')).toBe(true);
  });

  it('has a status for every code, all of them HTTP error statuses', () => {
    for (const status of Object.values(DOMAIN_STATUS)) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    }
  });
});
