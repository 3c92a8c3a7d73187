import type { SimClock } from './clock.ts';
import { oauthCodeError } from './meta-errors.ts';

export type OAuthFlow = 'facebook' | 'instagram';

export interface OAuthCodeInput {
  code: string;
  /** Facebook Login (for Business) or Instagram Login. */
  flow: OAuthFlow;
  /** Must equal the `redirect_uri` of the exchange when set (Meta compares byte for byte). */
  redirectUri?: string;
  /** Facebook: pages the user grants (their Page tokens show up in /me/accounts). Instagram: the IG account. */
  accounts?: string[];
  /** Facebook user id / Instagram app-scoped user id (a number above 2^53 in reality). */
  userId?: string;
  userName?: string;
  scopes?: string[];
  /** Codes expire after 10 minutes on Meta (Login docs); epoch ms here, default now + 10 min. */
  expiresAt?: number;
}

export interface OAuthCode extends Required<Omit<OAuthCodeInput, 'redirectUri'>> {
  redirectUri?: string;
  used: boolean;
}

export interface OAuthCodes {
  addCode(input: OAuthCodeInput): OAuthCode;
  /** Marks the code used; throws Meta's code-exchange error when unknown, used, expired or redirected elsewhere. */
  redeem(code: string | undefined, flow: OAuthFlow, redirectUri: string | undefined): OAuthCode;
  clear(): void;
}

const CODE_TTL_MS = 10 * 60 * 1000;

export function createOAuthCodes(clock: SimClock): OAuthCodes {
  const codes = new Map<string, OAuthCode>();
  return {
    addCode(input) {
      const record: OAuthCode = {
        code: input.code,
        flow: input.flow,
        accounts: input.accounts ?? [],
        userId: input.userId ?? (input.flow === 'instagram' ? '27640875392278831' : '10223344556677889'),
        userName: input.userName ?? 'Sheena Nelson',
        scopes:
          input.scopes ??
          (input.flow === 'instagram'
            ? ['instagram_business_basic', 'instagram_business_manage_messages']
            : ['pages_show_list', 'pages_messaging', 'pages_manage_metadata', 'business_management']),
        expiresAt: input.expiresAt ?? clock.now() + CODE_TTL_MS,
        used: false,
      };
      if (input.redirectUri !== undefined) record.redirectUri = input.redirectUri;
      codes.set(record.code, record);
      return record;
    },
    redeem(code, flow, redirectUri) {
      const record = code === undefined ? undefined : codes.get(code);
      if (!record || record.flow !== flow) throw oauthCodeError('unknown');
      if (record.used) throw oauthCodeError('used');
      if (record.expiresAt <= clock.now()) throw oauthCodeError('expired');
      if (record.redirectUri !== undefined && record.redirectUri !== redirectUri)
        throw oauthCodeError('redirect');
      record.used = true;
      return record;
    },
    clear() {
      codes.clear();
    },
  };
}
