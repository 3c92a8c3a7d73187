import { randomBytes } from 'node:crypto';

/**
 * Meta-looking ids, unique per simulator process: a random per-process prefix plus a counter, so
 * two simulators (or a restart) never hand out the same id.
 */
export interface IdFactory {
  /** `wamid.` + base64, like `wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI3QTRBNjU5OUFFRTAzODEwMTQ0AA==`. */
  wamid(waId: string): string;
  /** Messenger `m_…` message id. */
  messengerMid(): string;
  /** Instagram message id (base64url of an `ig_message_item` descriptor, as Meta's look). */
  instagramMid(igUserId: string): string;
  /** Numeric Graph object id (templates, media, users). */
  numeric(): string;
  /** Opaque token-like string with a prefix (EAA… for Facebook, IGAA… for Instagram). */
  token(prefix: string): string;
}

export function createIdFactory(): IdFactory {
  const prefix = randomBytes(6).toString('hex').toUpperCase();
  let n = 0;
  let numeric = 1_000_000_000_000 + Math.floor(Math.random() * 1e9) * 1000;
  return {
    wamid(waId) {
      // Same framing as real ids: HBg + length byte + the wa_id digits + counter.
      const payload = `\u001c\u0018${String.fromCharCode(waId.length & 0x7f)}${waId}\u0015\u0002\u0000\u0011\u0018\u0012${prefix}${(++n).toString(16).toUpperCase().padStart(8, '0')}\u0000`;
      return `wamid.${Buffer.from(payload, 'latin1').toString('base64')}`;
    },
    messengerMid() {
      return `m_${randomBytes(24).toString('base64url')}${(++n).toString(36)}`;
    },
    instagramMid(igUserId) {
      const descriptor = `ig_message_item:1:IGMessageThread:${igUserId}:${prefix}${(++n).toString(10).padStart(12, '0')}`;
      return Buffer.from(descriptor).toString('base64url');
    },
    numeric() {
      numeric += 1;
      return String(numeric);
    },
    token(tokenPrefix) {
      return `${tokenPrefix}${randomBytes(30).toString('base64url').replace(/[-_]/g, 'Z')}`;
    },
  };
}
