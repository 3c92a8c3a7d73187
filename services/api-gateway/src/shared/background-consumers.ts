import { type ConsumerRunner, type RunConsumerOptions, runConsumer } from '@omnistream/kafka';

/**
 * A consumer the gateway runs in the background. A crash kafkajs would not restart is restarted
 * by runConsumer's supervisor, so `running` is false only while it is crashed or restarting (a
 * rebalance does not change it): what readiness reports (docs/services.md, "Consumers that crash").
 */
export type BackgroundConsumer = ConsumerRunner;

export function runBackgroundConsumer(options: RunConsumerOptions): Promise<BackgroundConsumer> {
  return runConsumer(options);
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
