import { createServer, type Server } from 'node:net';
import { z } from '@omnistream/config';
import type { Pool } from '@omnistream/db';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunServiceOptions, runService, type StartedService } from './run-service.ts';
import type { ShutdownStep } from './shutdown.ts';

const schema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().default(5_000),
  DATABASE_URL: z.string(),
  DATABASE_POOL_MAX: z.coerce.number().int().default(2),
  API_SECRET: z.string(),
});
type Config = z.output<typeof schema>;

const SECRET = 's3cret-value-42';
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

/** runService with a fake pool and captured logs; `ran` lists the shutdown steps that ran, in order. */
function run(start: RunServiceOptions<Config>['start'], signals: NodeJS.Signals[] = []) {
  const ran: string[] = [];
  const lines: Record<string, unknown>[] = [];
  let exited: (code: number) => void = () => {};
  const exit = new Promise<number>((resolve) => {
    exited = resolve;
  });
  const pool = { end: async () => void ran.push('close pool') } as unknown as Pool;
  const running = runService({
    name: 'svc',
    schema,
    secrets: (config) => [config.API_SECRET],
    start,
    env: { DATABASE_URL: 'postgres://unused', API_SECRET: SECRET },
    openPool: async () => pool,
    exit: exited,
    signals,
    logDestination: { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) },
  });
  const step = (name: string): ShutdownStep => ({ name, run: () => void ran.push(name) });
  return { running, exit, ran, lines, step };
}

function app(): FastifyInstance {
  const a = Fastify();
  cleanup.push(() => a.close());
  return a;
}

function started(a: FastifyInstance, port: number, steps: ShutdownStep[]): StartedService {
  return { app: a, listen: { port, host: '127.0.0.1' }, shutdownSteps: steps, onListening: () => {} };
}

describe('runService', () => {
  it('after a failed start runs the steps registered so far and closes the pool, then exits 1', async () => {
    const { running, exit, ran, lines, step } = run(async ({ onShutdown, config }) => {
      onShutdown(step('stop token polling'), step('disconnect producer'));
      throw new Error(`Kafka refused the credentials (password ${config.API_SECRET})`);
    });
    expect((await running).address).toBeNull();
    expect(await exit).toBe(1);
    expect(ran).toEqual(['stop token polling', 'disconnect producer', 'close pool']);
    const fatal = lines.find((l) => l.msg === 'svc failed to start');
    expect(JSON.stringify(fatal)).toContain('Kafka refused the credentials');
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  });

  it('after a failed listen runs the returned steps, then the registered ones, then the pool end, and exits 1', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => taken.close(resolve)));
    const port = (taken.address() as { port: number }).port;
    const { running, exit, ran, lines, step } = run(async ({ onShutdown }) => {
      onShutdown(step('stop consumers'));
      return started(app(), port, [step('stop HTTP')]);
    });
    expect((await running).address).toBeNull();
    expect(await exit).toBe(1);
    expect(ran).toEqual(['stop HTTP', 'stop consumers', 'close pool']);
    expect(JSON.stringify(lines.find((l) => l.msg === 'svc failed to start'))).toContain('EADDRINUSE');
  });

  it('listens, and on shutdown runs every step isolated, closing the pool last', async () => {
    const server = app();
    server.get('/ping', async () => ({ pong: true }));
    let announced = '';
    const { running, exit, ran, lines, step } = run(async ({ onShutdown }) => {
      onShutdown(step('flush producer'));
      return {
        ...started(server, 0, [
          { name: 'close HTTP', run: () => server.close().then(() => void ran.push('close HTTP')) },
          {
            name: 'stop relay',
            run: () => {
              throw new Error('relay stuck');
            },
          },
        ]),
        onListening: (address) => {
          announced = address;
        },
      };
    });
    const { address, shutdown } = await running;
    expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(announced).toBe(address);
    expect((await fetch(`${address}/ping`)).status).toBe(200);
    void shutdown.shutdown('test');
    expect(await exit).toBe(1);
    expect(ran).toEqual(['close HTTP', 'flush producer', 'close pool']);
    expect(lines.find((l) => l.msg === 'shutdown step failed')?.step).toBe('stop relay');
    await expect(fetch(`${address}/ping`)).rejects.toThrow();
  });

  it('handles a signal received during start-up: waits for start, never listens, stops everything', async () => {
    let entered: () => void = () => {};
    const inStart = new Promise<void>((resolve) => {
      entered = resolve;
    });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let isShuttingDown: () => boolean = () => false;
    const { running, exit, ran, step } = run(
      async (context) => {
        isShuttingDown = context.isShuttingDown;
        entered();
        await gate;
        return started(app(), 0, [step('stop HTTP')]);
      },
      ['SIGUSR2'],
    );
    await inStart;
    process.emit('SIGUSR2');
    expect(isShuttingDown()).toBe(true);
    expect(ran).toEqual([]);
    release();
    expect((await running).address).toBeNull();
    expect(await exit).toBe(0);
    expect(ran).toEqual(['stop HTTP', 'close pool']);
  });
});
