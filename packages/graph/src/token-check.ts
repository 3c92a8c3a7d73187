import { z } from 'zod';
import { keepBigIntegersAsStrings } from './big-int-json.ts';
import { GraphError } from './errors.ts';
import { TokenSchema, validate } from './input-primitives.ts';
import { asObject, type JsonObject, optionalNumber, optionalString, requiredString } from './responses.ts';
import type { Transport } from './transport.ts';

/**
 * Is this token usable? Without an app token: `GET /me` with the token itself (what WhatsApp
 * go-live does: the number becomes Connected once a call with the token succeeds). With an app token
 * (`app-id|app-secret`): `GET /debug_token`, which also tells the scopes, type and expiry.
 * An answer about the token (valid or not) is a result; anything else (throttle, network) throws.
 */

export const CheckTokenInputSchema = z.strictObject({
  token: TokenSchema,
  appToken: TokenSchema.optional(),
  /** Instagram Login tokens only work on graph.instagram.com. */
  host: z.enum(['graph', 'instagram']).optional(),
});
export type CheckTokenInput = z.input<typeof CheckTokenInputSchema>;

export type TokenCheck =
  | {
      valid: true;
      /** User, page or system-user id; for Instagram the professional account id (`user_id`). */
      id: string;
      name?: string;
      scopes?: string[];
      /** null: never expires (system-user tokens, page tokens from a long-lived user token). */
      expiresAt?: Date | null;
      type?: string;
      appId?: string;
    }
  | {
      valid: false;
      id?: string;
      /** Meta's error code (190 for expired / invalidated / unparsable tokens). */
      code?: number;
      subcode?: number;
      /** Meta's explanation, scrubbed of tokens. */
      reason: string;
      expiresAt?: Date | null;
      type?: string;
    };

function expiry(data: JsonObject): Date | null | undefined {
  const seconds = optionalNumber(data, 'expires_at');
  if (seconds === undefined) return undefined;
  return seconds === 0 ? null : new Date(seconds * 1000);
}

export function createTokenCheckCalls(transport: Transport) {
  async function viaDebugToken(token: string, appToken: string): Promise<TokenCheck> {
    const path = '/debug_token';
    const endpoint = `GET ${path}`;
    const answer = asObject(
      await transport.call({
        host: 'graph',
        method: 'GET',
        path,
        token: appToken,
        // debug_token takes the inspected token as a parameter by design; the query string is never
        // logged nor kept in errors (only `endpoint`, without query, is).
        query: { input_token: token },
        secrets: [token],
      }),
      endpoint,
    );
    const data = asObject(answer.data, endpoint);
    const type = optionalString(data, 'type');
    const expiresAt = expiry(data);
    const id = optionalString(data, 'user_id') ?? optionalString(data, 'profile_id');
    if (data.is_valid !== true) {
      // debug_token reports an invalid token with HTTP 200 and data.error{code,message,subcode}.
      const error = typeof data.error === 'object' && data.error !== null ? (data.error as JsonObject) : {};
      return {
        valid: false,
        reason: transport.scrub(optionalString(error, 'message') ?? 'token is not valid', [token, appToken]),
        ...(id === undefined ? {} : { id }),
        ...defined({ code: optionalNumber(error, 'code'), subcode: optionalNumber(error, 'subcode') }),
        ...defined({ expiresAt, type }),
      };
    }
    const scopes = Array.isArray(data.scopes) ? data.scopes.filter((s) => typeof s === 'string') : undefined;
    return {
      valid: true,
      id: id ?? requiredString(data, 'app_id', endpoint),
      ...defined({ scopes, expiresAt, type, appId: optionalString(data, 'app_id') }),
    };
  }

  async function viaMe(token: string, host: 'graph' | 'instagram'): Promise<TokenCheck> {
    const path = '/me';
    const endpoint = `GET ${path}`;
    const fields = host === 'instagram' ? 'user_id,username' : 'id,name';
    try {
      const data = asObject(
        await transport.call({
          host,
          method: 'GET',
          path,
          token,
          query: { fields },
          reviver: keepBigIntegersAsStrings,
        }),
        endpoint,
      );
      if (host === 'instagram') {
        return {
          valid: true,
          id: optionalString(data, 'user_id') ?? requiredString(data, 'id', endpoint),
          ...defined({ name: optionalString(data, 'username') }),
        };
      }
      return {
        valid: true,
        id: requiredString(data, 'id', endpoint),
        ...defined({ name: optionalString(data, 'name') }),
      };
    } catch (err) {
      // 190 (and 102, the legacy session error) answer the question: the token is not valid.
      if (err instanceof GraphError && err.category === 'auth') {
        return {
          valid: false,
          reason: err.message,
          ...defined({ code: err.code, subcode: err.subcode }),
        };
      }
      throw err;
    }
  }

  async function checkToken(input: CheckTokenInput): Promise<TokenCheck> {
    const { token, appToken, host } = validate(CheckTokenInputSchema, input, 'token check');
    return appToken === undefined ? viaMe(token, host ?? 'graph') : viaDebugToken(token, appToken);
  }

  return { checkToken };
}

/** Drops undefined values so optional fields are absent rather than present-but-undefined. */
function defined<T extends Record<string, unknown>>(fields: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, value] of Object.entries(fields))
    if (value !== undefined) out[key as keyof T] = value as T[keyof T];
  return out;
}
