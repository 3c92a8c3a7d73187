import type { Logger } from '@omnistream/logger';

export interface ShutdownStep {
  name: string;
  run(): Promise<void> | void;
}

export interface GracefulShutdown {
  readonly shuttingDown: boolean;
  /** Runs the steps once (later calls share the first run); resolves with the exit code. */
  shutdown(reason: string): Promise<number>;
}

/**
 * Ordered shutdown on SIGTERM/SIGINT: each step runs after the previous one finished (stop taking
 * work, finish in-flight work, flush, close connections). A step that fails is logged and the rest
 * still run; a hard deadline exits non-zero so an orchestrator never waits forever.
 */
export function installGracefulShutdown(options: {
  logger: Logger;
  steps: readonly ShutdownStep[];
  timeoutMs: number;
  exit?: (code: number) => void;
  signals?: readonly NodeJS.Signals[];
}): GracefulShutdown {
  const { logger, steps, timeoutMs } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let running: Promise<number> | null = null;
  let shuttingDown = false;

  async function runSteps(): Promise<number> {
    let code = 0;
    for (const step of steps) {
      const started = Date.now();
      try {
        await step.run();
        logger.info({ step: step.name, ms: Date.now() - started }, 'shutdown step done');
      } catch (err) {
        code = 1;
        logger.error({ err, step: step.name }, 'shutdown step failed');
      }
    }
    return code;
  }

  function shutdown(reason: string): Promise<number> {
    if (running) return running;
    shuttingDown = true;
    logger.info({ reason, timeoutMs }, 'shutting down');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        logger.error({ timeoutMs }, 'shutdown deadline passed; exiting with work unfinished');
        resolve(1);
      }, timeoutMs);
      timer.unref();
    });
    running = Promise.race([runSteps(), deadline]).then((code) => {
      clearTimeout(timer);
      logger.info({ code }, 'shutdown complete');
      exit(code);
      return code;
    });
    return running;
  }

  for (const signal of options.signals ?? (['SIGTERM', 'SIGINT'] as const)) {
    process.once(signal, () => void shutdown(signal));
  }
  return {
    get shuttingDown() {
      return shuttingDown;
    },
    shutdown,
  };
}
