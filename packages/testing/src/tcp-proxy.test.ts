import { connect, createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseUrl, describeUrl } from './postgres.ts';
import { startTcpProxy } from './tcp-proxy.ts';

function echoServer() {
  const server = createServer((s) => s.pipe(s));
  return new Promise<{ port: number; close(): void }>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      resolve({ port: typeof addr === 'object' && addr ? addr.port : 0, close: () => server.close() });
    }),
  );
}

function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    socket.once('data', (d) => {
      resolve(String(d));
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

describe('startTcpProxy', () => {
  const cleanups: (() => unknown)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it('forwards, then really refuses connections while cut, then forwards again on the same port', async () => {
    const echo = await echoServer();
    cleanups.push(echo.close);
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: echo.port });
    cleanups.push(proxy.close);
    expect(await roundTrip(proxy.port, 'hello')).toBe('hello');
    const port = proxy.port;
    await proxy.cut();
    await expect(roundTrip(port, 'x')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await proxy.restore();
    expect(proxy.port).toBe(port);
    expect(await roundTrip(proxy.port, 'again')).toBe('again');
  });
});

describe('database URL helpers', () => {
  it('never shows the password when describing which database was used', () => {
    expect(describeUrl('postgres://app:s3cret-pw@db.internal:6543/omni')).toBe('app@db.internal:6543/omni');
    expect(databaseUrl('postgres://app:pw@h:5432/postgres?sslmode=disable', 'omni_t_1')).toBe(
      'postgres://app:pw@h:5432/omni_t_1?sslmode=disable',
    );
  });
});
