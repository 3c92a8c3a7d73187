import { describe, expect, it } from 'vitest';
import { ConversationScheduler } from './conversation-scheduler.ts';
import { OffsetTracker } from './offset-tracker.ts';

// wait-ok: the simulated sends' durations below (the scenario), never a wait for a condition.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ConversationScheduler', () => {
  it('keeps each conversation in order while a slow conversation does not hold up the others', async () => {
    const done: string[] = [];
    const s = new ConversationScheduler<{ id: string; ms: number }>({
      maxConcurrent: 10,
      run: async (_key, item) => {
        // wait-ok: how long this item's send takes (the scenario).
        await sleep(item.ms);
        done.push(item.id);
      },
      onError: () => {},
    });
    s.enqueue('slow', { id: 'slow-1', ms: 150 });
    s.enqueue('slow', { id: 'slow-2', ms: 1 });
    for (let i = 1; i <= 5; i++) s.enqueue('fast', { id: `fast-${i}`, ms: 2 });
    await s.idle();
    expect(done.filter((d) => d.startsWith('fast'))).toEqual([
      'fast-1',
      'fast-2',
      'fast-3',
      'fast-4',
      'fast-5',
    ]);
    expect(done.filter((d) => d.startsWith('slow'))).toEqual(['slow-1', 'slow-2']);
    // All fast ones finished before the slow conversation's first item.
    expect(done.indexOf('fast-5')).toBeLessThan(done.indexOf('slow-1'));
  });

  it('never runs more conversations at once than the cap', async () => {
    let active = 0;
    let peak = 0;
    const s = new ConversationScheduler<number>({
      maxConcurrent: 3,
      run: async () => {
        active++;
        peak = Math.max(peak, active);
        // wait-ok: a send's duration, so that conversations overlap (the scenario).
        await sleep(5);
        active--;
      },
      onError: () => {},
    });
    for (let i = 0; i < 20; i++) s.enqueue(`c${i}`, i);
    await s.idle();
    expect(peak).toBe(3);
    expect(s.size).toBe(0);
  });
});

describe('OffsetTracker', () => {
  it('commits only below the lowest unfinished offset when work finishes out of order', () => {
    const t = new OffsetTracker();
    for (const o of ['10', '11', '12', '13']) t.track('t', 0, o);
    t.complete('t', 0, '12');
    t.complete('t', 0, '13');
    expect(t.commitPoints()).toEqual([{ topic: 't', partition: 0, offset: '10' }]);
    t.complete('t', 0, '10');
    expect(t.commitPoints()).toEqual([{ topic: 't', partition: 0, offset: '11' }]);
    t.complete('t', 0, '11');
    expect(t.commitPoints()).toEqual([{ topic: 't', partition: 0, offset: '14' }]);
    expect(t.commitPoints()).toEqual([]);
    expect(t.inFlight).toBe(0);
  });
});
