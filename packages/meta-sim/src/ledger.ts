import type { Channel } from './account-types.ts';

/** One send Meta accepted: what the tests and benchmarks check delivery and duplicates against. */
export interface LedgerEntry {
  /** 1, 2, 3… in acceptance order; never reused, even after entries are evicted. */
  seq: number;
  /** Epoch ms on the simulator clock. */
  at: number;
  channel: Channel;
  /** Phone number id, page id or IG user id. */
  accountId: string;
  /** wa_id (digits) or PSID / IGSID. */
  to: string;
  /** The request body as parsed. */
  body: unknown;
  /** The id returned to the client: wamid.…, m_…, or the IG message id. */
  messageId: string;
  /** Last four characters of the access token used: enough to tell a rotation happened. */
  tokenLast4: string;
  /** Client-provided idempotency marker when found (see LedgerOptions.markerOf). */
  marker?: string;
}

export interface LedgerFilter {
  channel?: Channel;
  accountId?: string;
  to?: string;
  marker?: string;
  /** Entries with seq greater than this. */
  afterSeq?: number;
}

export interface LedgerOptions {
  /** Entries kept for entries()/count(filter); older ones are dropped (totals stay exact). */
  capacity?: number;
  /** Finds the client's idempotency marker in a send; default: see defaultMarkerOf. */
  markerOf?: (channel: Channel, body: unknown) => string | undefined;
}

export interface Ledger {
  record(entry: Omit<LedgerEntry, 'seq' | 'marker'>): LedgerEntry;
  entries(filter?: LedgerFilter): LedgerEntry[];
  /** Without a filter: exact total since the last clear, even past capacity. */
  count(filter?: LedgerFilter): number;
  /** Markers accepted more than once, with how often (exact, independent of capacity). */
  duplicates(): { marker: string; count: number }[];
  /** Exact totals per channel since the last clear. */
  totals(): Record<Channel, number>;
  clear(): void;
}

/** `[marker:abc]` in a text body, when no structured field carries one. */
const TEXT_MARKER = /\[marker:([^\]\s]+)\]/;

/**
 * WhatsApp echoes `biz_opaque_callback_data` in status webhooks and Messenger/Instagram echo
 * `message.metadata`, so a sender can put its command id there; plain text sends can carry
 * `[marker:<id>]`.
 */
export function defaultMarkerOf(channel: Channel, body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  if (channel === 'whatsapp') {
    if (typeof b.biz_opaque_callback_data === 'string' && b.biz_opaque_callback_data !== '') {
      return b.biz_opaque_callback_data;
    }
    const text = b.text as { body?: unknown } | undefined;
    return typeof text?.body === 'string' ? TEXT_MARKER.exec(text.body)?.[1] : undefined;
  }
  const message = b.message as { metadata?: unknown; text?: unknown } | undefined;
  if (typeof message?.metadata === 'string' && message.metadata !== '') return message.metadata;
  return typeof message?.text === 'string' ? TEXT_MARKER.exec(message.text)?.[1] : undefined;
}

export function createLedger(options: LedgerOptions = {}): Ledger {
  const capacity = options.capacity ?? 200_000;
  const markerOf = options.markerOf ?? defaultMarkerOf;
  // Ring buffer: the hot path appends without shifting arrays.
  let ring: (LedgerEntry | undefined)[] = [];
  let head = 0;
  let seq = 0;
  let totals: Record<Channel, number> = { whatsapp: 0, messenger: 0, instagram: 0 };
  let markers = new Map<string, number>();

  function ordered(): LedgerEntry[] {
    if (ring.length < capacity) return ring as LedgerEntry[];
    return [...ring.slice(head), ...ring.slice(0, head)] as LedgerEntry[];
  }

  function matches(e: LedgerEntry, f: LedgerFilter): boolean {
    return (
      (f.channel === undefined || e.channel === f.channel) &&
      (f.accountId === undefined || e.accountId === f.accountId) &&
      (f.to === undefined || e.to === f.to) &&
      (f.marker === undefined || e.marker === f.marker) &&
      (f.afterSeq === undefined || e.seq > f.afterSeq)
    );
  }

  return {
    record(input) {
      const marker = markerOf(input.channel, input.body);
      const entry: LedgerEntry = { seq: ++seq, ...input };
      if (marker !== undefined) {
        entry.marker = marker;
        markers.set(marker, (markers.get(marker) ?? 0) + 1);
      }
      totals[input.channel]++;
      if (ring.length < capacity) ring.push(entry);
      else {
        ring[head] = entry;
        head = (head + 1) % capacity;
      }
      return entry;
    },
    entries(filter) {
      const all = ordered();
      return filter ? all.filter((e) => matches(e, filter)) : [...all];
    },
    count(filter) {
      if (!filter || Object.values(filter).every((v) => v === undefined)) {
        return totals.whatsapp + totals.messenger + totals.instagram;
      }
      if (filter.marker !== undefined && Object.keys(filter).length === 1) {
        return markers.get(filter.marker) ?? 0;
      }
      let n = 0;
      for (const e of ring) if (e && matches(e, filter)) n++;
      return n;
    },
    duplicates() {
      const out: { marker: string; count: number }[] = [];
      for (const [marker, count] of markers) if (count > 1) out.push({ marker, count });
      return out;
    },
    totals: () => ({ ...totals }),
    clear() {
      ring = [];
      head = 0;
      seq = 0;
      totals = { whatsapp: 0, messenger: 0, instagram: 0 };
      markers = new Map();
    },
  };
}
