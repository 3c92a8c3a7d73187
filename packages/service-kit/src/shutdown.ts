import type { Logger } from '@omnistream/logger';

export interface ShutdownStep {
  name: string;
  run(): Promise<void> | void;
}

export interface GracefulShutdown {
  readonly shuttingDown: boolean;
  /**
   * Runs the steps once (later calls share the first run); resolves with the exit code, which is at
   * least the highest `exitCode` any call asked for (a failed start-up exits 1 even if every step
   * succeeded, and even when a signal began the shutdown first).
   */
  shutdown(reason: string, exitCode?: number): Promise<number>;
}

/**
 * Ordered shutdown on SIGTERM/SIGINT: each step runs after the previous one finished (stop taking
 * work, finish in-flight work, flush, close connections). A step that fails is logged and the rest
 * still run; a hard deadline exits non-zero so an orchestrator never waits forever.
 */
export function installGracefulShutdown(options: {
  logger: Logger;
  /**
   * Read one step at a time while shutting down, so a step may still add later ones (runService's
   * first step waits for start-up, which registers the service's steps).
   */
  steps: Iterable<ShutdownStep>;
  timeoutMs: number;
  exit?: (code: number) => void;
  signals?: readonly NodeJS.Signals[];
}): GracefulShutdown {
  const { logger, steps, timeoutMs } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let running: Promise<number> | null = null;
  let shuttingDown = false;
  let floor = 0;

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

  function shutdown(reason: string, exitCode = 0): Promise<number> {
    floor = Math.max(floor, exitCode);
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
    running = Promise.race([runSteps(), deadline]).then((stepsCode) => {
      clearTimeout(timer);
      const code = Math.max(stepsCode, floor);
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
