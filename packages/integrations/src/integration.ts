export type Channel = 'whatsapp' | 'instagram' | 'messenger';
export type IntegrationStatus = 'active' | 'disabled';
/** Whether Meta accepted the token at the last check: pending until a Graph call succeeds. */
export type ConnectionStatus = 'pending' | 'connected' | 'error';

/** Meta's answer when a token check failed, as shown to admins (never the token). */
export interface ConnectionError {
  message: string;
  code?: number | undefined;
  subcode?: number | undefined;
}

export type TokenType = 'system_user' | 'page' | 'user' | 'instagram_user' | 'business_integration';

/** An integration as every caller outside the token path sees it: never the token itself. */
export interface Integration {
  id: string;
  channel: Channel;
  name: string | null;
  phoneNumberId: string | null;
  wabaId: string | null;
  pageId: string | null;
  igUserId: string | null;
  businessManagerId: string | null;
  tokenLast4: string;
  tokenType: TokenType;
  tokenKeyId: string;
  tokenExpiresAt: Date | null;
  status: IntegrationStatus;
  needsReauth: boolean;
  connectionStatus: ConnectionStatus;
  connectionError: ConnectionError | null;
  verifiedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  rotatedAt: Date | null;
}

/** The id Meta routes this integration's webhooks and sends by. */
export function accountIdOf(
  i: Pick<Integration, 'channel' | 'phoneNumberId' | 'pageId' | 'igUserId'>,
): string {
  const id = i.channel === 'whatsapp' ? i.phoneNumberId : i.channel === 'messenger' ? i.pageId : i.igUserId;
  if (!id) throw new Error(`integration has no ${i.channel} account id`);
  return id;
}

export interface NewIntegration {
  channel: Channel;
  name?: string | null;
  phoneNumberId?: string | null;
  wabaId?: string | null;
  pageId?: string | null;
  igUserId?: string | null;
  businessManagerId?: string | null;
  token: string;
  tokenType?: TokenType;
  tokenExpiresAt?: Date | null;
}

export interface IntegrationPatch {
  name?: string | null;
  wabaId?: string | null;
  businessManagerId?: string | null;
  status?: IntegrationStatus;
  needsReauth?: boolean;
}

export interface ListIntegrationsQuery {
  channel?: Channel;
  status?: IntegrationStatus;
  connectionStatus?: ConnectionStatus;
  limit?: number;
  /** Opaque cursor from a previous page's nextCursor. */
  cursor?: string | null;
}

/**
 * Which token a check was about: the integration as it was read together with that token. A result
 * is recorded only while the row still holds it, so a check racing a rotation cannot mark the new
 * token with the old one's verdict.
 */
export interface CheckedToken {
  tokenLast4: string;
  rotatedAt: Date | null;
}

export interface ActiveIntegrationToken {
  integration: Integration;
  token: string;
}
