import type { IncomingMessage } from 'node:http';

/** How much of a refused body is read and dropped so its sender can read the answer. */
export const DRAIN_MAX_BYTES = 32 * 1024 * 1024;
export const DRAIN_MAX_MS = 10_000;

/**
 * Reads and drops the rest of a request body the server has refused (413), so the answer reaches
 * a client that is still sending: answering and closing mid-upload makes the client's next write
 * fail (EPIPE / connection reset) and most clients then report that instead of the 413. Bounded
 * by bytes and time; past either bound the caller answers anyway and the connection closes.
 * Nothing read here is kept.
 */
export function drainRequest(
  raw: IncomingMessage,
  maxBytes = DRAIN_MAX_BYTES,
  maxMs = DRAIN_MAX_MS,
): Promise<void> {
  if (raw.complete || raw.destroyed || raw.readableEnded) return Promise.resolve();
  const declared = Number(raw.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const finish = () => {
      clearTimeout(timer);
      raw.off('data', onData);
      raw.off('end', finish);
      raw.off('error', finish);
      raw.off('close', finish);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) finish();
    };
    const timer = setTimeout(finish, maxMs);
    timer.unref();
    raw.on('data', onData);
    raw.on('end', finish);
    raw.on('error', finish);
    raw.on('close', finish);
    raw.resume();
  });
}
