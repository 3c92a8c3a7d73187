/** A record to produce. Keys decide the partition (and so the ordering scope). */
export interface OutgoingMessage {
  key?: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string | Buffer>;
  /** Set only to bypass the key-based partitioner. */
  partition?: number;
  /** Epoch milliseconds as a string; the broker's time when omitted. */
  timestamp?: string;
}

/** A consumed record as handlers see it. */
export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  /** Header values decoded as UTF-8; for a repeated header the last value wins. */
  headers: Record<string, string>;
  timestamp: string;
}

export function byteLength(value: string | Buffer | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.byteLength;
}

/** Rough size of a record on the wire, used to keep a batch under the broker's request limits. */
export function estimateSize(message: OutgoingMessage): number {
  let size = 24 + byteLength(message.key) + byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {}))
    size += 4 + byteLength(name) + byteLength(value);
  return size;
}
