import { type Env, loadConfigOrExit, readEnv, type z } from '@omnistream/config';
import { openServicePool, type Pool } from '@omnistream/db';
import { createLogger, createRedactor, type Logger, type LogLevel, type Redactor } from '@omnistream/logger';
import type { FastifyInstance } from 'fastify';
import { type GracefulShutdown, installGracefulShutdown, type ShutdownStep } from './shutdown.ts';

/** The variables every service's config has (packages/config's log, postgres and shutdown blocks). */
export interface ServiceBaseConfig {
  LOG_LEVEL: LogLevel;
  SHUTDOWN_TIMEOUT_MS: number;
  DATABASE_URL: string;
  DATABASE_POOL_MAX: number;
  DATABASE_CONNECT_TIMEOUT_MS?: number;
  DATABASE_QUERY_TIMEOUT_MS?: number;
}

/** What a service's `start` gets. */
export interface ServiceContext<C> {
  config: C;
  logger: Logger;
  redactor: Redactor;
  pool: Pool;
  /**
   * Registers steps the moment something exists that needs stopping, so a start-up that fails
   * later still stops it. They run after the steps `start` returns, in registration order.
   */
  onShutdown(...steps: ShutdownStep[]): void;
  /** True once shutdown began: readiness fails and new work is refused. */
  isShuttingDown(): boolean;
}

/** What a service's `start` returns once everything is wired (nothing listens yet). */
export interface StartedService {
  /** The server to listen with. */
  app: FastifyInstance;
  listen: { port: number; host: string };
  /** The service's ordered shutdown, first (stop taking work, finish in-flight work, flush...). */
  shutdownSteps: readonly ShutdownStep[];
  /** Logs the service's "listening" line once the server listens. */
  onListening(address: string): void;
}

export interface RunServiceOptions<C extends ServiceBaseConfig> {
  name: string;
  schema: z.ZodType<C>;
  /** The config's secret values, scrubbed from every log line. */
  secrets(config: C): readonly (string | undefined | null)[];
  start(context: ServiceContext<C>): Promise<StartedService>;
  /** For tests: the environment (default: process.env and .env). */
  env?: Env;
  /** For tests: how the pool is opened (default: openServicePool, which checks the migrations). */
  openPool?: typeof openServicePool;
  /** For tests: the exit (default: process.exit) and the signals handled (default: SIGTERM, SIGINT). */
  exit?: (code: number) => void;
  signals?: readonly NodeJS.Signals[];
  /** For tests: where the log lines go (default: stdout). */
  logDestination?: Parameters<typeof createLogger>[0]['destination'];
}

export interface RunningService {
  shutdown: GracefulShutdown;
  /** The listening address, or null when start-up failed or shutdown began first. */
  address: string | null;
}

/**
 * A service's whole start-up (docs/services.md): config, redacting logger, pool with the migrations
 * check, `start`, listen, and a graceful shutdown in which every step is isolated (a failing step
 * is logged and the next still runs) and the pool closes last. Signals are handled from before
 * `start`: a SIGTERM during start-up waits for it, then stops everything in order. A failed start or
 * listen runs the steps known so far and the pool end, and exits 1.
 */
export async function runService<C extends ServiceBaseConfig>(
  options: RunServiceOptions<C>,
): Promise<RunningService> {
  const { name } = options;
  const config = loadConfigOrExit(options.schema, name, options.env ?? readEnv());
  const redactor = createRedactor(options.secrets(config));
  const logger = createLogger({
    name,
    level: config.LOG_LEVEL,
    redactor,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const pool = await (options.openPool ?? openServicePool)({
    service: name,
    connectionString: config.DATABASE_URL,
    max: config.DATABASE_POOL_MAX,
    ...(config.DATABASE_CONNECT_TIMEOUT_MS === undefined
      ? {}
      : { connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS }),
    ...(config.DATABASE_QUERY_TIMEOUT_MS === undefined
      ? {}
      : { queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS }),
    logger,
  });

  const registered: ShutdownStep[] = [];
  let started: StartedService | null = null;
  let booting: Promise<string | null> = Promise.resolve(null);
  function* steps(): Generator<ShutdownStep> {
    // Start-up's own failure is reported below; here it only has to be over.
    yield { name: 'wait for start-up to finish', run: () => booting.then(noop, noop) };
    // Read after start-up: `started` and the registered steps are final by now.
    yield* started?.shutdownSteps ?? [];
    yield* registered;
    yield { name: 'close PostgreSQL pool', run: () => pool.end() };
  }
  const shutdown = installGracefulShutdown({
    logger,
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    steps: { [Symbol.iterator]: steps },
    ...(options.exit ? { exit: options.exit } : {}),
    ...(options.signals ? { signals: options.signals } : {}),
  });

  booting = (async () => {
    started = await options.start({
      config,
      logger,
      redactor,
      pool,
      onShutdown: (...more) => void registered.push(...more),
      isShuttingDown: () => shutdown.shuttingDown,
    });
    // A signal during start-up: the shutdown already waits for us; listening now would only race it.
    if (shutdown.shuttingDown) return null;
    const address = await started.app.listen(started.listen);
    started.onListening(address);
    return address;
  })();

  try {
    return { shutdown, address: await booting };
  } catch (err) {
    logger.fatal({ err }, `${name} failed to start`);
    void shutdown.shutdown('start-up failed', 1);
    return { shutdown, address: null };
  }
}

function noop(): void {}
