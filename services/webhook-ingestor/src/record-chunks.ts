/**
 * Uncompressed bytes per producer send. Each send is one request, holding one record batch per
 * partition, and the broker checks each batch against the topic's max.message.bytes: staying under
 * 1,000,000 keeps a webhook of many small events within even Kafka's 1 MiB default, so only an event
 * that is itself too large can be refused for its size (docs/services.md, "Event size and quarantine").
 */
export const CHUNK_BYTES = 1_000_000;

/** Events per send: ~50 KB with Meta-sized events, which the producer packs into shared requests. */
export const CHUNK_EVENTS = 25;

/** Bytes of a record as the broker counts them before compression, near enough (UTF-8 + framing). */
export function recordBytes(m: {
  key: string;
  value: string | Buffer;
  headers: Record<string, string>;
}): number {
  let size = 24 + Buffer.byteLength(m.key) + Buffer.byteLength(m.value);
  for (const [name, value] of Object.entries(m.headers)) size += 4 + name.length + Buffer.byteLength(value);
  return size;
}

/**
 * Splits `items` in order into runs of at most CHUNK_EVENTS items and CHUNK_BYTES bytes; an item
 * larger than CHUNK_BYTES travels alone. `bytesOf` is called once per item.
 */
export function chunkRecords<T>(items: readonly T[], bytesOf: (item: T) => number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = bytesOf(item);
    if (current.length > 0 && (current.length >= CHUNK_EVENTS || bytes + size > CHUNK_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
