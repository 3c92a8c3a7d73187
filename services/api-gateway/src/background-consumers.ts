import { type ConsumerRunner, type RunConsumerOptions, runConsumer } from '@omnistream/kafka';

/** A consumer the gateway runs in the background, and whether kafkajs gave up on it for good. */
export interface BackgroundConsumer extends ConsumerRunner {
  /**
   * kafkajs stopped restarting it: the service should be restarted. Readiness follows this, not
   * `running`, so that a rebalance does not take the admin API down.
   */
  readonly crashed: boolean;
}

export async function runBackgroundConsumer(options: RunConsumerOptions): Promise<BackgroundConsumer> {
  let crashed = false;
  const runner = await runConsumer({
    ...options,
    onCrash: (error) => {
      crashed = true;
      options.onCrash?.(error);
    },
  });
  return {
    stop: () => runner.stop(),
    get running() {
      return runner.running;
    },
    get crashed() {
      return crashed;
    },
  };
}

/**
 * Starts consumers together: each waits for its group to form (a rebalance of about 3 s), so one
 * after the other adds up at every start. When one fails to start, the others are stopped once they
 * have started, and the first failure is thrown.
 */
export async function startTogether<const T extends readonly Promise<ConsumerRunner>[]>(
  ...starting: T
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(starting);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed === undefined) {
    return settled.map((s) => (s as PromiseFulfilledResult<ConsumerRunner>).value) as {
      -readonly [K in keyof T]: Awaited<T[K]>;
    };
  }
  await Promise.allSettled(settled.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
  throw failed.reason;
}
