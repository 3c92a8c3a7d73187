import { Writable } from 'node:stream';
import { createLogger } from '@omnistream/logger';
import { until } from '@omnistream/testing/harness';
import { describe, expect, it } from 'vitest';
import type { DeadLetter } from './dead-letter.ts';
import { type MessageHandler, type ProcessMessageDeps, processMessage } from './message-processor.ts';
import type { ConsumedMessage } from './messages.ts';
import { createRetryPolicy } from './retry-policy.ts';

const message: ConsumedMessage = {
  topic: 'omnistream.outbound.v1',
  partition: 1,
  offset: '9',
  key: Buffer.from('k'),
  value: Buffer.from('v'),
  headers: {},
  timestamp: '0',
};

const silent = createLogger({
  name: 'test',
  level: 'silent',
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});

/** Records the order of handler runs, commits, dead letters and heartbeats. */
function harness(handler: MessageHandler, overrides: Partial<ProcessMessageDeps> = {}) {
  const events: string[] = [];
  const deadLetters: DeadLetter[] = [];
  const stopping = new AbortController();
  const deps: ProcessMessageDeps = {
    handler: async (m, ctx) => {
      events.push(`handle#${ctx.attempt}`);
      await handler(m, ctx);
    },
    policy: createRetryPolicy({ maxAttempts: 3, initialDelayMs: 5, jitter: 0 }),
    deadLetter: {
      publish: async (dl) => {
        events.push('deadLetter');
        deadLetters.push(dl);
      },
    },
    groupId: 'g',
    commit: async () => {
      events.push('commit');
    },
    heartbeat: async () => {
      events.push('heartbeat');
    },
    heartbeatIntervalMs: 1_000,
    signal: stopping.signal,
    logger: silent,
    deadLetterRetry: { initialDelayMs: 5, maxDelayMs: 20 },
    ...overrides,
  };
  return { deps, events, deadLetters, stopping, run: () => processMessage(message, deps) };
}

const failing = (fields: Record<string, unknown> = {}) => Object.assign(new Error('Graph 500'), fields);

describe('processing one message', () => {
  it('commits once, after the handler succeeded', async () => {
    const h = harness(async () => {});
    expect(await h.run()).toBe('handled');
    expect(h.events).toEqual(['handle#1', 'commit']);
  });

  it('retries a failing handler and commits only after it finally succeeds', async () => {
    let calls = 0;
    const h = harness(async () => {
      if (++calls < 3) throw failing({ retryable: true });
    });
    expect(await h.run()).toBe('handled');
    expect(h.events.filter((e) => e !== 'heartbeat')).toEqual(['handle#1', 'handle#2', 'handle#3', 'commit']);
  });

  it('dead-letters a non-retryable failure at once, with its error, and only then commits', async () => {
    const error = failing({ retryable: false, code: 'GW_META_INVALID_PARAM' });
    const h = harness(async () => {
      throw error;
    });
    expect(await h.run()).toBe('deadLettered');
    expect(h.events).toEqual(['handle#1', 'deadLetter', 'commit']);
    expect(h.deadLetters[0]).toMatchObject({ message, error, errors: [error], attempts: 1, groupId: 'g' });
  });

  it('dead-letters after the last attempt, keeping every attempt’s error', async () => {
    let n = 0;
    const h = harness(async () => {
      throw new Error(`timeout ${++n}`);
    });
    expect(await h.run()).toBe('deadLettered');
    expect(h.deadLetters[0]?.attempts).toBe(3);
    expect(h.deadLetters[0]?.errors.map((e) => (e as Error).message)).toEqual([
      'timeout 1',
      'timeout 2',
      'timeout 3',
    ]);
    expect(h.events.at(-1)).toBe('commit');
  });

  it('does not commit while the dead letter cannot be stored, and stores it once it can', async () => {
    let publishes = 0;
    const h = harness(
      async () => {
        throw failing({ retryable: false });
      },
      {
        deadLetter: {
          publish: async () => {
            publishes++;
            if (publishes < 3) throw new Error('broker down');
          },
        },
      },
    );
    expect(await h.run()).toBe('deadLettered');
    expect(publishes).toBe(3);
    expect(h.events.filter((e) => e === 'commit')).toHaveLength(1);
  });

  it('gives up without committing when the consumer stops while the dead letter cannot be stored', async () => {
    let failedPublishes = 0;
    const h = harness(
      async () => {
        throw failing({ retryable: false });
      },
      {
        deadLetter: {
          publish: async () => {
            failedPublishes++;
            throw new Error('broker down');
          },
        },
      },
    );
    const outcome = h.run();
    // Stops once the dead letter failed to be stored (it is being retried then).
    await until(
      () => failedPublishes,
      (n) => n >= 1,
      5_000,
      1,
    );
    h.stopping.abort();
    expect(await outcome).toBe('abandoned');
    expect(h.events).not.toContain('commit');
  });

  it('abandons a pending retry without committing when the consumer stops', async () => {
    const h = harness(
      async () => {
        throw failing();
      },
      { policy: { onFailure: () => ({ action: 'retry', delayMs: 60_000 }) } },
    );
    const outcome = h.run();
    // Stops once the first attempt failed: the 60 s retry delay is pending then.
    await until(
      () => h.events,
      (e) => e.includes('handle#1'),
      5_000,
      1,
    );
    h.stopping.abort();
    expect(await outcome).toBe('abandoned');
    expect(h.events).toEqual(['handle#1']);
  });

  it('keeps the group membership alive with heartbeats during a long retry delay', async () => {
    let calls = 0;
    const h = harness(
      async () => {
        if (++calls === 1) throw failing();
      },
      { heartbeatIntervalMs: 10, policy: { onFailure: () => ({ action: 'retry', delayMs: 55 }) } },
    );
    expect(await h.run()).toBe('handled');
    expect(h.events.filter((e) => e === 'heartbeat').length).toBeGreaterThanOrEqual(5);
  });

  it('lets a failed commit propagate (the group decides what is redelivered), never hiding it', async () => {
    const h = harness(async () => {}, {
      commit: async () => {
        throw new Error('REBALANCE_IN_PROGRESS');
      },
    });
    await expect(h.run()).rejects.toThrow('REBALANCE_IN_PROGRESS');
  });
});
