import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { capConnections, type HttpLimits, httpServerOptions } from './http-limits.ts';

const apps: FastifyInstance[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function serve(limits: HttpLimits): Promise<number> {
  const app = Fastify({ ...httpServerOptions(limits), forceCloseConnections: true });
  capConnections(app, limits);
  app.post('/echo', async (request) => ({ received: (request.body as { n: string }).n.length }));
  apps.push(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as { port: number }).port;
}

function openConnections(): Promise<number> {
  const server = apps[0]?.server;
  if (!server) return Promise.resolve(0);
  return new Promise((resolve, reject) =>
    server.getConnections((err, n) => (err ? reject(err) : resolve(n))),
  );
}

/** Everything the server writes on a raw socket until it closes the connection. */
function openSocket(port: number): { socket: Socket; answer: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    text += chunk;
  });
  socket.on('error', () => undefined);
  const answer = once(socket, 'close').then(() => text);
  return { socket, answer };
}

const limits: HttpLimits = {
  requestTimeoutMs: 1_500,
  headersTimeoutMs: 1_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 8,
};

describe('HTTP limits on a public server', () => {
  it('cuts a body sent one byte at a time with a 408 in the services error format', async () => {
    const port = await serve(limits);
    const { socket, answer } = openSocket(port);
    const body = JSON.stringify({ n: 'x'.repeat(200) });
    socket.write(
      `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    // At one byte per 100 ms the body would take 20 s; the server must give up long before.
    let sent = 0;
    const trickle = setInterval(() => {
      if (socket.writable && sent < body.length) socket.write(body[sent++] as string);
    }, 100);
    const text = await answer.finally(() => clearInterval(trickle));
    expect(sent).toBeLessThan(body.length);
    expect(text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(JSON.parse(text.split('\r\n\r\n')[1] as string)).toEqual({
      error: { code: 'GW_REQUEST_TIMEOUT', message: 'the request did not arrive in time' },
    });
  });

  it('cuts a client that never finishes its headers (slowloris) with a 408', async () => {
    const port = await serve(limits);
    const { socket, answer } = openSocket(port);
    socket.write('POST /echo HTTP/1.1\r\nHost: x\r\n');
    const trickle = setInterval(() => {
      if (socket.writable) socket.write('X-Slow: y\r\n');
    }, 100);
    const text = await answer.finally(() => clearInterval(trickle));
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('still serves a request that arrives in time', async () => {
    const port = await serve(limits);
    const response = await fetch(`http://127.0.0.1:${port}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ n: 'abc' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: 3 });
  });

  it('refuses connections beyond the cap and accepts again once one closes', async () => {
    const port = await serve({ ...limits, headersTimeoutMs: 60_000, requestTimeoutMs: 60_000 });
    const held = Array.from({ length: limits.maxConnections }, () => openSocket(port));
    await Promise.all(held.map(({ socket }) => once(socket, 'connect')));
    await expect.poll(openConnections).toBe(limits.maxConnections);
    const refused = openSocket(port);
    expect(await refused.answer).toBe('');
    held[0]?.socket.destroy();
    await expect.poll(openConnections).toBe(limits.maxConnections - 1);
    const response = await fetch(`http://127.0.0.1:${port}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify({ n: 'ok' }),
    });
    expect(response.status).toBe(200);
  });
});
