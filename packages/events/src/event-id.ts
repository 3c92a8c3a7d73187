import { createHash } from 'node:crypto';
import type { InboundEventKind } from './inbound-event.ts';
import type { EventChannel } from './primitives.ts';

export interface EventIdParts {
  channel: EventChannel;
  kind: InboundEventKind;
  /** Meta's own id for the thing: wamid / mid, template id, the contact id for watermark events, … */
  metaId: string;
  /**
   * What tells apart several events about the same Meta id: the status for statuses (one wamid goes
   * sent → delivered → read), the watermark for seen / delivery, the action and emoji for reactions.
   */
  discriminator?: string | number | undefined;
}

/**
 * Deterministic event id: the first 32 hex chars (128 bits) of SHA-256 over the parts. Meta retries a
 * webhook with the same ids, so the retry gets the same event id and consumers deduplicate on it.
 *
 * The parts are hashed as the JSON array `[channel, kind, metaId, discriminator]` (discriminator as a
 * string, or null when absent) rather than joined with `|`: Meta ids are opaque, and with a separator
 * `id "a|b"` would collide with `id "a", discriminator "b"`.
 */
export function eventId(parts: EventIdParts): string {
  if (parts.metaId.length === 0) {
    // An id-less event would deduplicate against every other id-less event of its kind.
    throw new TypeError(`eventId: metaId is empty (channel ${parts.channel}, kind ${parts.kind})`);
  }
  const discriminator = parts.discriminator === undefined ? null : String(parts.discriminator);
  const material = JSON.stringify([parts.channel, parts.kind, parts.metaId, discriminator]);
  return createHash('sha256').update(material, 'utf8').digest('hex').slice(0, 32);
}
