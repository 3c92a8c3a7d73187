/**
 * V8's collector, when the process runs with `--expose-gc` (the ingestor's and the api-gateway's
 * start scripts set it; README, "Scaling out"). For code that knows a burst of garbage was just
 * made that V8 would only notice late: a large webhook's copies, the chunks of a streamed file.
 * Without the flag it does nothing.
 */
const gc = (
  globalThis as { gc?: (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async' }) => void }
).gc;

export const canCollectGarbage = gc !== undefined;

/**
 * `minor`: a scavenge of the young generation (about a millisecond), enough for short-lived
 * Buffers whose memory lives outside V8's heap. `major`: everything, started off the caller's path.
 */
export function collectGarbage(type: 'major' | 'minor'): void {
  if (!gc) return;
  if (type === 'minor') gc({ type: 'minor' });
  else setImmediate(() => gc({ type: 'major', execution: 'async' }));
}
