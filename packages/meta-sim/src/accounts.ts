import type {
  Accounts,
  InstagramAccount,
  Page,
  RecipientState,
  TokenInput,
  TokenRecord,
  WhatsAppNumber,
} from './account-types.ts';
import type { SimClock } from './clock.ts';
import { expiredToken, invalidatedToken, invalidToken } from './meta-errors.ts';

const WA_SCOPES = ['whatsapp_business_management', 'whatsapp_business_messaging', 'business_management'];
const PAGE_SCOPES = ['pages_show_list', 'pages_messaging', 'pages_manage_metadata', 'public_profile'];
const IG_SCOPES = ['instagram_business_basic', 'instagram_business_manage_messages'];
const DEFAULT_USER_ID = '61550000000000';

export function createAccounts(clock: SimClock): Accounts {
  const numbers = new Map<string, WhatsAppNumber>();
  const wabas = new Map<string, Set<string>>();
  const pages = new Map<string, Page>();
  const igAccounts = new Map<string, InstagramAccount>();
  const tokens = new Map<string, TokenRecord>();
  const recipients = new Map<string, RecipientState>();

  function addToken(input: TokenInput): TokenRecord {
    const existing = tokens.get(input.token);
    if (existing) {
      for (const id of input.accounts ?? []) existing.grants.add(id);
      for (const s of input.scopes ?? []) if (!existing.scopes.includes(s)) existing.scopes.push(s);
      if (input.expiresAt !== undefined) existing.expiresAtMs = input.expiresAt;
      return existing;
    }
    const record: TokenRecord = {
      token: input.token,
      type: input.type ?? 'SYSTEM_USER',
      grants: new Set(input.accounts ?? []),
      scopes: [...(input.scopes ?? [])],
      userId: input.userId ?? DEFAULT_USER_ID,
      userName: input.userName ?? 'OmniStream System User',
      issuedAtMs: clock.now(),
      expiresAtMs: input.expiresAt ?? 0,
      state: 'valid',
    };
    tokens.set(input.token, record);
    return record;
  }

  function revokeToken(token: string, reason: 'expired' | 'invalidated' = 'expired'): void {
    const record = tokens.get(token);
    if (!record) throw new Error(`unknown token …${token.slice(-4)}`);
    record.state = reason;
    record.revokedAtMs = clock.now();
  }

  return {
    addWhatsAppNumber(input) {
      const number: WhatsAppNumber = {
        phoneNumberId: input.phoneNumberId,
        wabaId: input.wabaId,
        displayPhoneNumber: input.displayPhoneNumber ?? '15550783881',
        verifiedName: input.verifiedName ?? 'OmniStream Test Number',
      };
      numbers.set(number.phoneNumberId, number);
      const set = wabas.get(number.wabaId) ?? new Set<string>();
      set.add(number.phoneNumberId);
      wabas.set(number.wabaId, set);
      for (const token of input.tokens ?? []) {
        addToken({ token, accounts: [number.phoneNumberId, number.wabaId], scopes: WA_SCOPES });
      }
      return number;
    },
    addPage(input) {
      const page: Page = {
        pageId: input.pageId,
        name: input.name ?? 'Lucky Shrub',
        category: input.category ?? 'Garden Center',
      };
      if (input.instagramBusinessAccountId)
        page.instagramBusinessAccountId = input.instagramBusinessAccountId;
      pages.set(page.pageId, page);
      for (const token of input.tokens ?? []) {
        addToken({ token, type: 'PAGE', accounts: [page.pageId], scopes: PAGE_SCOPES });
      }
      return page;
    },
    addInstagramAccount(input) {
      const account: InstagramAccount = {
        igUserId: input.igUserId,
        username: input.username ?? 'luckyshrub',
        name: input.name ?? 'Lucky Shrub',
        appScopedId: input.appScopedId ?? input.igUserId,
      };
      igAccounts.set(account.igUserId, account);
      for (const token of input.tokens ?? []) {
        addToken({
          token,
          type: 'INSTAGRAM',
          accounts: [account.igUserId],
          scopes: IG_SCOPES,
          userId: account.appScopedId,
          userName: account.username,
        });
      }
      return account;
    },
    addToken,
    revokeToken,
    rotateToken(oldToken, newToken, reason = 'expired') {
      const old = tokens.get(oldToken);
      if (!old) throw new Error(`unknown token …${oldToken.slice(-4)}`);
      const next = newToken ?? `${oldToken.slice(0, 6)}R${Math.random().toString(36).slice(2, 14)}`;
      addToken({
        token: next,
        type: old.type,
        accounts: [...old.grants],
        scopes: old.scopes,
        userId: old.userId,
        userName: old.userName,
        expiresAt: old.expiresAtMs,
      });
      revokeToken(oldToken, reason);
      return next;
    },
    setRecipientState(recipientId, state, accountId) {
      const key = `${accountId ?? '*'}:${recipientId}`;
      if (state === 'ok') recipients.delete(key);
      else recipients.set(key, state);
    },
    recipientState(accountId, recipientId) {
      if (recipients.size === 0) return 'ok';
      return recipients.get(`${accountId}:${recipientId}`) ?? recipients.get(`*:${recipientId}`) ?? 'ok';
    },
    whatsappNumber: (id) => numbers.get(id),
    whatsappNumbersOfWaba: (wabaId) =>
      [...(wabas.get(wabaId) ?? [])].flatMap((id) => {
        const n = numbers.get(id);
        return n ? [n] : [];
      }),
    isWaba: (id) => wabas.has(id),
    page: (id) => pages.get(id),
    instagramAccount: (id) => igAccounts.get(id),
    token: (token) => tokens.get(token),
    authenticate(token) {
      const record = token === undefined ? undefined : tokens.get(token);
      if (!record) throw invalidToken();
      if (record.state === 'invalidated') throw invalidatedToken();
      const now = clock.now();
      if (record.state === 'expired') throw expiredToken(record.revokedAtMs ?? now, now);
      if (record.expiresAtMs !== 0 && record.expiresAtMs <= now) throw expiredToken(record.expiresAtMs, now);
      return record;
    },
    accountForToken(record, kind) {
      for (const id of record.grants) {
        if (kind === 'page' ? pages.has(id) : igAccounts.has(id)) return id;
      }
      return undefined;
    },
    pagesOfToken(record) {
      return [...record.grants].flatMap((id) => {
        const page = pages.get(id);
        return page ? [page] : [];
      });
    },
    tokenFor(accountId, type) {
      const now = clock.now();
      let fallback: TokenRecord | undefined;
      for (const record of tokens.values()) {
        if (record.state !== 'valid' || !record.grants.has(accountId)) continue;
        if (record.expiresAtMs !== 0 && record.expiresAtMs <= now) continue;
        if (type === undefined || record.type === type) return record;
        fallback ??= record;
      }
      return fallback;
    },
    snapshot() {
      return {
        whatsapp: [...numbers.values()],
        pages: [...pages.values()],
        instagram: [...igAccounts.values()],
        tokens: [...tokens.values()].map((t) => ({
          last4: t.token.slice(-4),
          type: t.type,
          accounts: [...t.grants],
          state: t.state,
          expiresAt: t.expiresAtMs,
        })),
      };
    },
    clear() {
      numbers.clear();
      wabas.clear();
      pages.clear();
      igAccounts.clear();
      tokens.clear();
      recipients.clear();
    },
  };
}
