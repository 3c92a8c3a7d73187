import { describe, expect, it } from 'vitest';
import { createCoalescer } from './coalescer.ts';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

describe('createCoalescer', () => {
  it('runs a lone call at once and combines the calls that arrive while it is in flight', async () => {
    const batches: number[][] = [];
    const gate = deferred();
    const call = createCoalescer<number, number>({
      run: async (inputs) => {
        batches.push(inputs);
        if (batches.length === 1) await gate.promise;
        return inputs.map((i) => i * 10);
      },
      maxBatch: 3,
      maxInFlight: 1,
    });
    const first = call(1);
    const rest = [2, 3, 4, 5, 6].map((n) => call(n));
    expect(batches).toEqual([[1]]);
    gate.resolve();
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40, 50, 60]);
    // Queued while the first ran, then at most maxBatch per statement.
    expect(batches).toEqual([[1], [2, 3, 4], [5, 6]]);
  });

  it('keeps at most maxInFlight batches running', async () => {
    let running = 0;
    let most = 0;
    const call = createCoalescer<number, number>({
      run: async (inputs) => {
        running += 1;
        most = Math.max(most, running);
        // wait-ok: the statement's duration, so that batches overlap (the scenario under test).
        await new Promise((r) => setTimeout(r, 5));
        running -= 1;
        return inputs;
      },
      maxBatch: 2,
      maxInFlight: 2,
    });
    await Promise.all(Array.from({ length: 20 }, (_, i) => call(i)));
    expect(most).toBe(2);
  });

  it('isolates a failing input: only its own call rejects', async () => {
    const gate = deferred();
    let calls = 0;
    const call = createCoalescer<number, number>({
      run: async (inputs) => {
        calls += 1;
        if (calls === 1) await gate.promise;
        if (inputs.includes(13)) throw new Error('unlucky input');
        return inputs;
      },
      maxBatch: 10,
      maxInFlight: 1,
    });
    const first = call(0);
    const others = [12, 13, 14].map((n) =>
      call(n).then(
        (v) => ({ v }),
        (e: Error) => ({ e: e.message }),
      ),
    );
    gate.resolve();
    await first;
    expect(await Promise.all(others)).toEqual([{ v: 12 }, { e: 'unlucky input' }, { v: 14 }]);
  });

  it('rejects a run that returns the wrong number of results', async () => {
    const call = createCoalescer<number, number>({ run: async () => [], maxBatch: 5, maxInFlight: 1 });
    await expect(call(1)).rejects.toThrow('returned 0 results for 1 calls');
  });
});
