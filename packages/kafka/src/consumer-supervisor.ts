import type { Logger } from '@omnistream/logger';
import type { Consumer } from 'kafkajs';

/**
 * - `starting`: connected, not yet in the group for the first time;
 * - `running`: in the group and fetching (a rebalance does not change it);
 * - `restarting`: it crashed and a restart is pending or joining (kafkajs' own, or ours after a
 *   crash kafkajs would not restart);
 * - `stopped`: stop() was called.
 */
export type ConsumerState = 'starting' | 'running' | 'restarting' | 'stopped';

export interface ConsumerSupervisor {
  readonly state: ConsumerState;
  /** Crashes seen so far (restarted by kafkajs or by the supervisor). */
  readonly crashes: number;
  /** No more restarts; waits for one in progress. Call before disconnecting the consumer. */
  stop(): Promise<void>;
}

export interface SuperviseConsumerOptions {
  logger: Logger;
  /** Starts the consumer again after kafkajs gave up on it: connect, then run with the same config. */
  restart(): Promise<void>;
  /** First delay before a restart of ours; doubles per consecutive failure. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Nothing dies silently: kafkajs restarts a consumer after a retriable crash, but after a
 * non-retriable one (any error it does not mark retriable, a TypeError in a handler included) it
 * emits CRASH with `restart: false`, disconnects and leaves the process running without it. The
 * supervisor then restarts the consumer itself, with capped exponential backoff, for as long as
 * the process runs, and tells readiness the truth meanwhile.
 *
 * Why restart in the process rather than exit and let Docker or systemd restart it: one consumer's
 * crash would otherwise end the other consumers and the HTTP server of the same process (the
 * admin API; the sender's sends in flight), and under `pnpm dev` or a bare `node` nothing restarts
 * a process that exited. The committed offsets make a restart in place as safe as a new process:
 * whatever was not committed is delivered again. docs/services.md ("Consumers that crash").
 */
export function superviseConsumer(
  consumer: Pick<Consumer, 'on' | 'events'>,
  options: SuperviseConsumerOptions,
): ConsumerSupervisor {
  const initialDelayMs = options.initialDelayMs ?? 1_000;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const log = options.logger;
  let state: ConsumerState = 'starting';
  let crashes = 0;
  let failures = 0;
  let timer: NodeJS.Timeout | null = null;
  let restarting: Promise<void> | null = null;

  // A restart whose run() got as far as joining and crashed there emits CRASH again, while that
  // restart is still in progress: it schedules the next one, which waits for it.
  const schedule = () => {
    if (state === 'stopped' || timer) return;
    const delayMs = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(failures, 16));
    failures += 1;
    timer = setTimeout(async () => {
      timer = null;
      await restarting;
      if (state === 'stopped') return;
      const attempt = options.restart().catch((err: unknown) => {
        // Threw before running (e.g. connect to a broker still down): no CRASH follows.
        log.error({ err, attempt: failures }, 'consumer restart failed; trying again');
        schedule();
      });
      restarting = attempt;
      await attempt;
      if (restarting === attempt) restarting = null;
    }, delayMs);
    log.warn({ delayMs, attempt: failures }, 'kafkajs will not restart the consumer; restarting it');
  };

  consumer.on(consumer.events.GROUP_JOIN, () => {
    if (state === 'stopped') return;
    if (state === 'restarting') log.info({ crashes }, 'consumer back in its group after a crash');
    state = 'running';
    failures = 0;
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (state === 'stopped') return;
    crashes += 1;
    state = 'restarting';
    if (payload.restart) {
      log.warn({ err: payload.error }, 'consumer crashed; kafkajs restarts it');
      return;
    }
    log.error({ err: payload.error }, 'consumer crashed and kafkajs will not restart it');
    schedule();
  });

  return {
    get state() {
      return state;
    },
    get crashes() {
      return crashes;
    },
    async stop() {
      state = 'stopped';
      if (timer) clearTimeout(timer);
      timer = null;
      await restarting?.catch(() => undefined);
    },
  };
}
