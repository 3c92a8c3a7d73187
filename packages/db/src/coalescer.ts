/**
 * Combines concurrent calls into few statements: a call made while `maxInFlight` batches are
 * already running waits for one of them and leaves with every call that queued meanwhile (up to
 * `maxBatch`). A lone call goes at once, so nothing waits when the load is low; under load one
 * statement (one round trip, one commit) carries many calls.
 *
 * `run` receives the batch's inputs and returns one output per input, in the same order. If a
 * batch of several fails, each of its calls is run again on its own, so one bad input (a constraint
 * violation, say) fails only its own call; a failure that is not about one input (the database is
 * down) then fails each of them with its own error.
 */
export interface CoalescerOptions<I, O> {
  run: (inputs: I[]) => Promise<O[]>;
  maxBatch: number;
  maxInFlight: number;
}

interface Pending<I, O> {
  input: I;
  resolve: (output: O) => void;
  reject: (error: unknown) => void;
}

export function createCoalescer<I, O>(options: CoalescerOptions<I, O>): (input: I) => Promise<O> {
  if (options.maxBatch < 1 || options.maxInFlight < 1)
    throw new Error('createCoalescer: maxBatch and maxInFlight must be at least 1');
  const queue: Pending<I, O>[] = [];
  let inFlight = 0;

  function dispatch(): void {
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const batch = queue.splice(0, options.maxBatch);
      inFlight += 1;
      void runBatch(batch);
    }
  }

  async function runBatch(batch: Pending<I, O>[]): Promise<void> {
    try {
      const outputs = await options.run(batch.map((p) => p.input));
      if (outputs.length !== batch.length)
        throw new Error(`coalesced statement returned ${outputs.length} results for ${batch.length} calls`);
      for (const [i, p] of batch.entries()) p.resolve(outputs[i] as O);
    } catch (err) {
      if (batch.length === 1) (batch[0] as Pending<I, O>).reject(err);
      else await Promise.all(batch.map((p) => runAlone(p)));
    } finally {
      inFlight -= 1;
      dispatch();
    }
  }

  async function runAlone(p: Pending<I, O>): Promise<void> {
    try {
      const [output] = await options.run([p.input]);
      p.resolve(output as O);
    } catch (err) {
      p.reject(err);
    }
  }

  return (input) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ input, resolve, reject });
      dispatch();
    });
}
