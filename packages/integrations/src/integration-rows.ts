import { decodeCursor, encodeCursor } from '@omnistream/service-kit/domain';
import type {
  Channel,
  ConnectionError,
  ConnectionStatus,
  Integration,
  IntegrationStatus,
  TokenType,
} from './integration.ts';

// How integrations rows map to Integration, and the small SQL pieces the repository shares.

/** SQL: the row still holds the token described by $a (last 4) and $b (rotated_at, ms precision). */
export const stillHolds = (a: number, b: number) =>
  `token_last4 = $${a} AND date_trunc('milliseconds', rotated_at) IS NOT DISTINCT FROM $${b}::timestamptz`;

/** A second active integration for the same channel and account. */
export class IntegrationConflictError extends Error {
  override name = 'IntegrationConflictError';
}

export interface Row {
  id: string;
  channel: Channel;
  name: string | null;
  phone_number_id: string | null;
  waba_id: string | null;
  page_id: string | null;
  ig_user_id: string | null;
  business_manager_id: string | null;
  token_ciphertext: string;
  token_key_id: string;
  token_last4: string;
  token_type: TokenType;
  token_expires_at: Date | null;
  status: IntegrationStatus;
  needs_reauth: boolean;
  connection_status: ConnectionStatus;
  connection_error: ConnectionError | null;
  verified_at: Date | null;
  created_at: Date;
  updated_at: Date;
  rotated_at: Date | null;
}

export function toIntegration(r: Row): Integration {
  return {
    id: r.id,
    channel: r.channel,
    name: r.name,
    phoneNumberId: r.phone_number_id,
    wabaId: r.waba_id,
    pageId: r.page_id,
    igUserId: r.ig_user_id,
    businessManagerId: r.business_manager_id,
    tokenLast4: r.token_last4,
    tokenType: r.token_type,
    tokenKeyId: r.token_key_id,
    tokenExpiresAt: r.token_expires_at,
    status: r.status,
    needsReauth: r.needs_reauth,
    connectionStatus: r.connection_status,
    connectionError: r.connection_error,
    verifiedAt: r.verified_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    rotatedAt: r.rotated_at,
  };
}

// The cursor carries created_at as PostgreSQL's own text (microseconds): a JS Date keeps only
// milliseconds, and a truncated cursor repeats rows created within the same millisecond.
export function encodeIntegrationCursor(r: Row & { cursor_created_at: string }): string {
  return encodeCursor([r.cursor_created_at, r.id]);
}

/** [created_at text, id] of a cursor from encodeIntegrationCursor; else InvalidCursorError. */
export function decodeIntegrationCursor(cursor: string): [string, string] {
  return decodeCursor(cursor, 2);
}

export function rethrowConflict(err: unknown): never {
  if ((err as { code?: string }).code === '23505') {
    throw new IntegrationConflictError('an active integration already exists for this channel and account', {
      cause: err,
    });
  }
  throw err;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
