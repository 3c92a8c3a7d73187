import { z } from 'zod';
import { keepBigIntegersAsStrings } from './big-int-json.ts';
import { GraphValidationError } from './errors.ts';
import { HttpUrlSchema, PathIdSchema, TokenSchema, validate } from './input-primitives.ts';
import {
  asObject,
  type JsonObject,
  optionalNumber,
  optionalString,
  requiredString,
  unexpected,
} from './responses.ts';
import type { Transport } from './transport.ts';

/**
 * OAuth exchanges for onboarding (Facebook Login for Business → Messenger pages; Instagram API with
 * Instagram Login). These are the one place where credentials travel as URL parameters, because
 * that is the only form Meta documents for them (`GET /oauth/access_token?client_secret=…&code=…`,
 * `GET graph.instagram.com/access_token?client_secret=…&access_token=…`). The client never logs a
 * URL and errors keep only the path, and every such value is scrubbed from error messages.
 * Instagram's code exchange is a form POST, as documented.
 */

export interface AccessToken {
  accessToken: string;
  tokenType?: string;
  /** Seconds; absent for tokens that do not expire (business-integration system users). */
  expiresIn?: number;
}

export interface InstagramShortLivedToken {
  accessToken: string;
  /** The IG professional account id, as an exact string (it exceeds 2^53). */
  userId: string;
  permissions: string[];
}

const CodeSchema = z.string().min(1).max(4096);

export const ExchangeFacebookCodeInputSchema = z.strictObject({
  appId: PathIdSchema,
  redirectUri: HttpUrlSchema.or(z.url({ protocol: /^https?$/ })),
  code: CodeSchema,
});
export type ExchangeFacebookCodeInput = z.input<typeof ExchangeFacebookCodeInputSchema>;

export const ExchangeLongLivedFacebookTokenInputSchema = z.strictObject({
  appId: PathIdSchema,
  token: TokenSchema,
});
export type ExchangeLongLivedFacebookTokenInput = z.input<typeof ExchangeLongLivedFacebookTokenInputSchema>;

export const ExchangeInstagramCodeInputSchema = ExchangeFacebookCodeInputSchema;
export type ExchangeInstagramCodeInput = ExchangeFacebookCodeInput;

export const InstagramTokenInputSchema = z.strictObject({ token: TokenSchema });
export type InstagramTokenInput = z.input<typeof InstagramTokenInputSchema>;

function toAccessToken(data: JsonObject, endpoint: string): AccessToken {
  const token: AccessToken = { accessToken: requiredString(data, 'access_token', endpoint) };
  const type = optionalString(data, 'token_type');
  if (type !== undefined) token.tokenType = type;
  const expiresIn = optionalNumber(data, 'expires_in');
  if (expiresIn !== undefined) token.expiresIn = expiresIn;
  return token;
}

function missingSecret(what: string, option: string): GraphValidationError {
  return new GraphValidationError(what, [
    { path: option, message: `${option} must be configured for this call` },
  ]);
}

export function createOAuthCalls(
  transport: Transport,
  secrets: { appSecret?: string; instagramAppSecret?: string },
) {
  async function facebookTokenCall(
    query: Record<string, string>,
    extraSecrets: string[],
  ): Promise<AccessToken> {
    const path = '/oauth/access_token';
    const endpoint = `GET ${path}`;
    const data = asObject(
      await transport.call({ host: 'graph', method: 'GET', path, query, secrets: extraSecrets }),
      endpoint,
    );
    const token = toAccessToken(data, endpoint);
    transport.registerSecret(token.accessToken);
    return token;
  }

  /** Facebook Login: authorization code → short-lived user token. */
  async function exchangeFacebookCode(input: ExchangeFacebookCodeInput): Promise<AccessToken> {
    const { appId, redirectUri, code } = validate(
      ExchangeFacebookCodeInputSchema,
      input,
      'Facebook code exchange',
    );
    if (secrets.appSecret === undefined) throw missingSecret('Facebook code exchange', 'appSecret');
    return facebookTokenCall(
      { client_id: appId, redirect_uri: redirectUri, client_secret: secrets.appSecret, code },
      [code],
    );
  }

  /** Short-lived user token → long-lived (about 60 days); page tokens derived from it do not expire. */
  async function exchangeLongLivedFacebookToken(
    input: ExchangeLongLivedFacebookTokenInput,
  ): Promise<AccessToken> {
    const { appId, token } = validate(
      ExchangeLongLivedFacebookTokenInputSchema,
      input,
      'Facebook token exchange',
    );
    if (secrets.appSecret === undefined) throw missingSecret('Facebook token exchange', 'appSecret');
    return facebookTokenCall(
      {
        grant_type: 'fb_exchange_token',
        client_id: appId,
        client_secret: secrets.appSecret,
        fb_exchange_token: token,
      },
      [token],
    );
  }

  /**
   * Instagram Login: code → short-lived token (`POST api.instagram.com/oauth/access_token`). Meta
   * documents `{data:[{access_token,user_id,permissions:"a,b"}]}` but answers a flat object with a
   * numeric user_id above 2^53 and a permissions array: both are accepted, user_id kept exact.
   */
  async function exchangeInstagramCode(input: ExchangeInstagramCodeInput): Promise<InstagramShortLivedToken> {
    const { appId, redirectUri, code } = validate(
      ExchangeInstagramCodeInputSchema,
      input,
      'Instagram code exchange',
    );
    if (secrets.instagramAppSecret === undefined) {
      throw missingSecret('Instagram code exchange', 'instagramAppSecret');
    }
    const path = '/oauth/access_token';
    const endpoint = `POST ${path}`;
    const answer = asObject(
      await transport.call({
        host: 'instagramOAuth',
        method: 'POST',
        path,
        form: {
          client_id: appId,
          client_secret: secrets.instagramAppSecret,
          grant_type: 'authorization_code',
          redirect_uri: redirectUri,
          code,
        },
        reviver: keepBigIntegersAsStrings,
        secrets: [code],
      }),
      endpoint,
    );
    const data = Array.isArray(answer.data)
      ? asObject(
          answer.data.find((d) => typeof d === 'object'),
          endpoint,
        )
      : answer;
    const accessToken = requiredString(data, 'access_token', endpoint);
    transport.registerSecret(accessToken);
    const userId = optionalString(data, 'user_id');
    if (userId === undefined) throw unexpected(endpoint, '"user_id"');
    const raw = data.permissions;
    const permissions = Array.isArray(raw)
      ? raw.filter((p): p is string => typeof p === 'string')
      : typeof raw === 'string'
        ? raw.split(',').filter((p) => p !== '')
        : [];
    return { accessToken, userId, permissions };
  }

  async function instagramTokenCall(
    path: string,
    query: Record<string, string>,
    token: string,
  ): Promise<AccessToken> {
    // Meta serves these two unversioned (graph.instagram.com/access_token): the configured Instagram
    // base URL without its version segment.
    const fullPath = transport.hostOf('instagram').basePath.replace(/\/v\d+(\.\d+)?$/, '') + path;
    const endpoint = `GET ${fullPath}`;
    const data = asObject(
      await transport.call({
        host: 'instagram',
        method: 'GET',
        path: fullPath,
        fullPath: true,
        query: { ...query, access_token: token },
        secrets: [token],
      }),
      endpoint,
    );
    const result = toAccessToken(data, endpoint);
    transport.registerSecret(result.accessToken);
    return result;
  }

  /** Short-lived Instagram token → long-lived (60 days). */
  async function exchangeInstagramLongLived(input: InstagramTokenInput): Promise<AccessToken> {
    const { token } = validate(InstagramTokenInputSchema, input, 'Instagram token exchange');
    if (secrets.instagramAppSecret === undefined) {
      throw missingSecret('Instagram token exchange', 'instagramAppSecret');
    }
    return instagramTokenCall(
      '/access_token',
      { grant_type: 'ig_exchange_token', client_secret: secrets.instagramAppSecret },
      token,
    );
  }

  /** Long-lived token (≥ 24 h old, unexpired) → a fresh 60-day one. */
  async function refreshInstagramToken(input: InstagramTokenInput): Promise<AccessToken> {
    const { token } = validate(InstagramTokenInputSchema, input, 'Instagram token refresh');
    return instagramTokenCall('/refresh_access_token', { grant_type: 'ig_refresh_token' }, token);
  }

  return {
    exchangeFacebookCode,
    exchangeLongLivedFacebookToken,
    exchangeInstagramCode,
    exchangeInstagramLongLived,
    refreshInstagramToken,
  };
}
