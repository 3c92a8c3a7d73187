import type { InboundEvent, MessagingChannel } from '@omnistream/events';

export type WebhookRoute = 'whatsapp' | 'instagram' | 'messenger' | 'fbe';

export interface NormalizeContext {
  /** ISO time the request was accepted. */
  receivedAt: string;
  /** The integration serving this account (phone_number_id, WABA id, Page id, IG account id), or null. */
  integrationIdFor(channel: MessagingChannel, accountId: string): string | null;
  /** Encrypts a token for the FBE payload's `encryptedToken` (AES-GCM); the normalizer never keeps the plaintext. */
  encryptToken(token: string): { ciphertext: string; keyId: string; last4: string };
}

export interface NormalizeResult {
  /** In payload order: entry by entry, and within an entry in Meta's array order. */
  events: InboundEvent[];
  /** How many of `events` have `integrationId: null` on a messaging channel (FBE events never count). */
  unknownAccounts: number;
}
