import type { ConsumerRunner } from '@omnistream/kafka';
import { describe, expect, it } from 'vitest';
import { startTogether } from './background-consumers.ts';

function consumer(name: string, stopped: string[], joinMs: number): Promise<ConsumerRunner> {
  return new Promise((resolve) =>
    setTimeout(
      () =>
        resolve({
          running: true,
          state: 'running',
          stop: async () => {
            stopped.push(name);
          },
        }),
      joinMs,
    ),
  );
}

describe('startTogether', () => {
  it('starts consumers at the same time: the slowest join decides, not their sum', async () => {
    const stopped: string[] = [];
    const started = Date.now();
    const [a, b] = await startTogether(consumer('a', stopped, 200), consumer('b', stopped, 200));
    expect(Date.now() - started).toBeLessThan(350);
    expect([a.running, b.running]).toEqual([true, true]);
    expect(stopped).toEqual([]);
  });

  it('stops the consumers that started when another failed to, then throws its error', async () => {
    const stopped: string[] = [];
    const refused = new Error('group coordinator not available');
    await expect(
      startTogether(
        consumer('mirror', stopped, 80),
        Promise.reject(refused),
        consumer('inbound', stopped, 10),
      ),
    ).rejects.toBe(refused);
    expect(stopped.sort()).toEqual(['inbound', 'mirror']);
  });
});
