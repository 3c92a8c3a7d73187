import { z } from 'zod';
import { secret, url } from './block-types.ts';

// Meta's platform: app credentials, the Graph API client, per-channel settings, OAuth onboarding
// and the encryption of the tokens it issues.

export const metaBlock = {
  /** App Secret: key of the X-Hub-Signature-256 HMAC and of appsecret_proof. */
  META_APP_SECRET: secret,
  /** Shared secret echoed by Meta in the webhook verification challenge. */
  META_VERIFY_TOKEN: secret,
  /** Fallback system-user token when no active integration row exists. */
  META_ACCESS_TOKEN: secret.optional(),
  /** Fallback WhatsApp phone number id when no active integration row exists. */
  META_PHONE_NUMBER_ID: z.string().regex(/^\d+$/, 'must be a numeric phone number id').optional(),
  /** Graph API base URL including the version; tests point it at meta-sim. */
  META_API_URL: url.default('https://graph.facebook.com/v21.0'),
};

export const graphClientBlock = {
  /** Time to open a TCP/TLS connection to the Graph API. */
  GRAPH_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  /** Time until Meta's response headers arrive. */
  GRAPH_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
  /** Time allowed between body chunks of a response. */
  GRAPH_BODY_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
  /**
   * Keep-alive connections per Graph host per process (opened as needed). The sender's throughput
   * is at most connections / round trip: 64 capped it near 1,400/s against a 10 ms simulator once
   * event-loop delays stretched round trips to ~45 ms (docs/benchmarks.md); Meta's own latency is
   * higher still.
   */
  GRAPH_CONNECTIONS: z.coerce.number().int().min(1).max(1_000).default(256),
};

/**
 * For services that call the Graph API but do not verify webhooks (message-sender, api-gateway):
 * the app secret is optional there (it adds appsecret_proof when set) and no verify token is read.
 */
export const graphCallerBlock = {
  /** App Secret: when set, every Graph call carries appsecret_proof. */
  META_APP_SECRET: secret.optional(),
  /** Graph API base URL including the version; tests point it at meta-sim. */
  META_API_URL: url.default('https://graph.facebook.com/v21.0'),
};

export const instagramBlock = {
  /** Instagram Login app id (OAuth onboarding). */
  INSTAGRAM_APP_ID: z.string().regex(/^\d+$/, 'must be a numeric app id').optional(),
  /** Instagram Login app secret: signs Instagram webhooks and OAuth exchanges. */
  INSTAGRAM_APP_SECRET: secret.optional(),
  /** Instagram Graph host including the version (Instagram Login sends go here). */
  INSTAGRAM_API_URL: url.default('https://graph.instagram.com/v21.0'),
};

export const messengerBlock = {
  /** Facebook Login for Business configuration id used by Messenger onboarding. */
  MESSENGER_LOGIN_CONFIG_ID: z.string().regex(/^\d+$/, 'must be a numeric configuration id').optional(),
  /** The Meta app's id: `client_id` of Facebook Login, and `app_id` of the FBE system-user token exchange. */
  META_APP_ID: z.string().regex(/^\d+$/, 'must be a numeric app id').optional(),
};

/** OAuth onboarding (Instagram Login, Facebook Login for Business) served by the api-gateway. */
export const oauthBlock = {
  /**
   * Public https origin (and path prefix, if any) at which browsers reach the api-gateway; the
   * redirect URIs `<this>/oauth/instagram/callback` and `<this>/oauth/messenger/callback` are built
   * from it and must be registered in the Meta dashboard exactly.
   */
  API_GATEWAY_PUBLIC_URL: url.optional(),
  /**
   * Facebook Login dialog; unset, it is https://www.facebook.com/<version of META_API_URL>/dialog/oauth,
   * so the dialog and the Graph calls use the same API version.
   */
  FACEBOOK_OAUTH_DIALOG_URL: url.optional(),
  /** Instagram Login (Business Login) authorization page. */
  INSTAGRAM_AUTHORIZE_URL: url.default('https://www.instagram.com/oauth/authorize'),
  /** Host of Instagram Login's code exchange (`POST /oauth/access_token`); meta-sim in tests. */
  INSTAGRAM_OAUTH_URL: url.default('https://api.instagram.com'),
  /** How often the gateway looks for Instagram Login tokens that are due for a refresh. */
  INSTAGRAM_TOKEN_REFRESH_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(3_600_000),
  /**
   * An Instagram token (60-day lifetime) is refreshed once fewer than this many days remain; a week
   * or more leaves room for Meta outages and for an admin to re-authorize after a failure.
   */
  INSTAGRAM_TOKEN_REFRESH_WITHIN_DAYS: z.coerce.number().int().min(1).max(59).default(15),
};

export const integrationsBlock = {
  /** How often every service re-reads the integrations table to pick up rotated tokens. */
  INTEGRATIONS_POLL_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
};

export const cryptoBlock = {
  /**
   * Token encryption keys as `id:base64key` pairs, comma-separated, newest first: the first key
   * encrypts, every listed key decrypts. Each key is 32 random bytes (`openssl rand -base64 32`).
   */
  TOKEN_ENCRYPTION_KEYS: z.string().transform((s, ctx) => {
    const keys: { id: string; key: Buffer }[] = [];
    for (const part of s
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const idx = part.indexOf(':');
      const id = idx > 0 ? part.slice(0, idx) : '';
      const raw = idx > 0 ? part.slice(idx + 1) : '';
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) {
        ctx.addIssue({
          code: 'custom',
          message: 'each entry must be id:base64key with an id of [A-Za-z0-9_-]',
        });
        return z.NEVER;
      }
      const key = Buffer.from(raw, 'base64');
      if (key.length !== 32) {
        ctx.addIssue({ code: 'custom', message: `key "${id}" must be 32 bytes, base64-encoded` });
        return z.NEVER;
      }
      if (keys.some((k) => k.id === id)) {
        ctx.addIssue({ code: 'custom', message: `key id "${id}" is listed twice` });
        return z.NEVER;
      }
      keys.push({ id, key });
    }
    if (keys.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'needs at least one id:base64key entry' });
      return z.NEVER;
    }
    return keys;
  }),
};
