// The simulated Graph accounts (WhatsApp numbers, Pages, Instagram accounts) and their tokens.

export type Channel = 'whatsapp' | 'messenger' | 'instagram';
export type TokenType = 'SYSTEM_USER' | 'USER' | 'PAGE' | 'INSTAGRAM';
export type TokenState = 'valid' | 'expired' | 'invalidated';
export type RecipientState = 'ok' | 'unavailable' | 'unknown';

export interface WhatsAppNumber {
  phoneNumberId: string;
  wabaId: string;
  displayPhoneNumber: string;
  verifiedName: string;
}

export interface Page {
  pageId: string;
  name: string;
  category: string;
  instagramBusinessAccountId?: string;
}

export interface InstagramAccount {
  /** IG professional account id: `user_id` from /me, `entry.id` / `recipient.id` in webhooks. */
  igUserId: string;
  username: string;
  name: string;
  /** App-scoped id (`id` from /me), different from user_id on Instagram Login. */
  appScopedId: string;
}

export interface TokenRecord {
  token: string;
  type: TokenType;
  /** Account ids the token may act on: phone number ids, WABA ids, page ids, IG user ids. */
  grants: Set<string>;
  scopes: string[];
  userId: string;
  userName: string;
  issuedAtMs: number;
  /** 0 = never expires (system-user and derived page tokens). */
  expiresAtMs: number;
  state: TokenState;
  revokedAtMs?: number;
}

export interface WhatsAppNumberInput {
  phoneNumberId: string;
  wabaId: string;
  displayPhoneNumber?: string;
  verifiedName?: string;
  tokens?: string[];
}

export interface PageInput {
  pageId: string;
  name?: string;
  category?: string;
  instagramBusinessAccountId?: string;
  tokens?: string[];
}

export interface InstagramAccountInput {
  igUserId: string;
  username?: string;
  name?: string;
  appScopedId?: string;
  tokens?: string[];
}

export interface TokenInput {
  token: string;
  accounts?: string[];
  type?: TokenType;
  scopes?: string[];
  userId?: string;
  userName?: string;
  /** Epoch ms; omitted or 0 = never expires. */
  expiresAt?: number;
}

export interface AccountsSnapshot {
  whatsapp: WhatsAppNumber[];
  pages: Page[];
  instagram: InstagramAccount[];
  tokens: {
    last4: string;
    type: TokenType;
    accounts: string[];
    state: TokenState;
    expiresAt: number;
  }[];
}

export interface Accounts {
  addWhatsAppNumber(input: WhatsAppNumberInput): WhatsAppNumber;
  addPage(input: PageInput): Page;
  addInstagramAccount(input: InstagramAccountInput): InstagramAccount;
  /** Registers a token, or adds grants to an existing one. */
  addToken(input: TokenInput): TokenRecord;
  /** Old token answers 190/463 ("expired", default) or 190/460 ("invalidated") from now on. */
  revokeToken(token: string, reason?: 'expired' | 'invalidated'): void;
  /** The new token inherits every grant; the old one is revoked. Returns the new token. */
  rotateToken(oldToken: string, newToken?: string, reason?: 'expired' | 'invalidated'): string;
  /** Marks a Messenger/Instagram recipient (PSID/IGSID) unavailable (551) or unknown (100/2018001). */
  setRecipientState(recipientId: string, state: RecipientState, accountId?: string): void;
  recipientState(accountId: string, recipientId: string): RecipientState;
  whatsappNumber(phoneNumberId: string): WhatsAppNumber | undefined;
  whatsappNumbersOfWaba(wabaId: string): WhatsAppNumber[];
  isWaba(id: string): boolean;
  page(pageId: string): Page | undefined;
  instagramAccount(igUserId: string): InstagramAccount | undefined;
  token(token: string): TokenRecord | undefined;
  /** The valid token record, or throws the 190 error Meta would answer. */
  authenticate(token: string | undefined): TokenRecord;
  /** First account of the given kind the token is granted (for `/me/...` routes). */
  accountForToken(record: TokenRecord, kind: 'page' | 'instagram'): string | undefined;
  /** Page ids a user token manages (for `/me/accounts`). */
  pagesOfToken(record: TokenRecord): Page[];
  /** A valid token granted on this account, preferring PAGE tokens (Page access token lookups). */
  tokenFor(accountId: string, type?: TokenType): TokenRecord | undefined;
  snapshot(): AccountsSnapshot;
  clear(): void;
}
