import { EventEmitter } from 'node:events';
import { createLogger } from '@omnistream/logger';
import { until } from '@omnistream/testing/harness';
import type { Consumer } from 'kafkajs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { superviseConsumer } from './consumer-supervisor.ts';

const logger = createLogger({ name: 'supervisor-test', level: 'silent' });

/** The two kafkajs events the supervisor listens to, emitted by hand. */
function fakeConsumer() {
  const emitter = new EventEmitter();
  const events = { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' } as Consumer['events'];
  const consumer = {
    events,
    on: (name: string, listener: (event: unknown) => void) => {
      emitter.on(name, listener);
      return () => emitter.off(name, listener);
    },
  } as unknown as Pick<Consumer, 'on' | 'events'>;
  return {
    consumer,
    join: () => emitter.emit(events.GROUP_JOIN, { payload: {} }),
    crash: (restart: boolean) =>
      emitter.emit(events.CRASH, { payload: { error: new TypeError('boom'), groupId: 'g', restart } }),
  };
}

describe('superviseConsumer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('restarts a consumer kafkajs gave up on (CRASH with restart=false), unready until it joins again', async () => {
    const fake = fakeConsumer();
    let restarts = 0;
    const supervisor = superviseConsumer(fake.consumer, {
      logger,
      initialDelayMs: 10,
      restart: async () => {
        restarts += 1;
      },
    });
    expect(supervisor.state).toBe('starting');
    fake.join();
    expect(supervisor.state).toBe('running');

    fake.crash(false);
    expect(supervisor.state).toBe('restarting');
    await until(
      () => restarts,
      (n) => n === 1,
      2_000,
      5,
    );
    // Restarted, but not in the group yet: still not running.
    expect(supervisor.state).toBe('restarting');
    fake.join();
    expect(supervisor.state).toBe('running');
    expect(supervisor.crashes).toBe(1);
    await supervisor.stop();
  });

  it('leaves a crash kafkajs restarts itself to kafkajs, and is unready until the rejoin', async () => {
    // Fake timers: "no restart" is checked after every timer the supervisor could have set ran.
    vi.useFakeTimers();
    const fake = fakeConsumer();
    let restarts = 0;
    const supervisor = superviseConsumer(fake.consumer, {
      logger,
      initialDelayMs: 1,
      restart: async () => {
        restarts += 1;
      },
    });
    fake.join();
    fake.crash(true);
    expect(supervisor.state).toBe('restarting');
    await vi.runAllTimersAsync();
    expect(restarts).toBe(0);
    fake.join();
    expect(supervisor.state).toBe('running');
  });

  it('tries again with a growing delay while the restart itself fails (broker still down)', async () => {
    const fake = fakeConsumer();
    const at: number[] = [];
    const supervisor = superviseConsumer(fake.consumer, {
      logger,
      initialDelayMs: 10,
      restart: async () => {
        at.push(Date.now());
        if (at.length < 4) throw new Error('connect ECONNREFUSED');
      },
    });
    fake.join();
    fake.crash(false);
    await until(
      () => at.length,
      (n) => n === 4,
      2_000,
      5,
    );
    const gaps = at.slice(1).map((t, i) => t - (at[i] as number));
    expect(gaps[2]).toBeGreaterThan(gaps[0] as number);
    expect(supervisor.state).toBe('restarting');
    fake.join();
    expect(supervisor.state).toBe('running');
    await supervisor.stop();
  });

  it('does not restart after stop, even with a restart pending', async () => {
    vi.useFakeTimers();
    const fake = fakeConsumer();
    let restarts = 0;
    const supervisor = superviseConsumer(fake.consumer, {
      logger,
      initialDelayMs: 20,
      restart: async () => {
        restarts += 1;
      },
    });
    fake.join();
    fake.crash(false);
    await supervisor.stop();
    await vi.runAllTimersAsync();
    expect(restarts).toBe(0);
    expect(supervisor.state).toBe('stopped');
  });
});
