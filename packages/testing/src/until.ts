/**
 * Reads until `done` holds and returns what was read; throws with the last value read once
 * `timeoutMs` passed. The one way tests wait for what happens in the background (consumers, relays,
 * timers, other processes): a deadline-bounded poll, never a fixed sleep.
 */
export async function until<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms: ${JSON.stringify(value)?.slice(0, 1_000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
