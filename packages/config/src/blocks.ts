import { isIP } from 'node:net';
import { z } from 'zod';

// One zod shape per concern. Services compose the blocks they need:
//   z.object({ ...logBlock, ...postgresBlock, ...kafkaBlock })
// Every key is the environment variable's name; the comment says why it exists.

const port = z.coerce.number().int().min(0).max(65535);
const url = z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ''));
const secret = z.string().min(1);
const path = z.string().min(1);

/** What fastify's trustProxy (proxy-addr) accepts: an address, a CIDR, or one of its named ranges. */
function isProxyAddress(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

export const logBlock = {
  /** pino level; `debug` shows per-message detail, never secrets. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

export const postgresBlock = {
  /** PostgreSQL connection string for integrations, outbound_messages, spool and the rest. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' }),
  /** Upper bound of pooled connections per process. */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
};

export const postgresTimeoutsBlock = {
  /** A new PostgreSQL connection must be ready within this, or the request fails (503) instead of waiting. */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  /** A query must answer within this (server statement_timeout and client read timeout): a black-holed network cannot hang requests. */
  DATABASE_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
};

export const kafkaBlock = {
  /** Comma-separated host:port list of Kafka bootstrap brokers. */
  KAFKA_BROKERS: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'each broker must be host:port'))
        .min(1, 'needs at least one host:port'),
    ),
  /** Client id shown in broker logs and quotas; one per deployment is enough. */
  KAFKA_CLIENT_ID: z.string().min(1).default('omnistream'),
  /** TLS to the brokers; managed clusters (Confluent Cloud, MSK, Aiven) accept nothing else. */
  KAFKA_SSL: z.stringbool({ error: 'must be true or false' }).default(false),
  /** PEM CA bundle that signed the brokers' certificates, for a private CA (Aiven); unset: Node's CAs. */
  KAFKA_SSL_CA_FILE: path.optional(),
  /** PEM client certificate, for clusters that authenticate clients by certificate (mutual TLS). */
  KAFKA_SSL_CERT_FILE: path.optional(),
  /** PEM private key of KAFKA_SSL_CERT_FILE. */
  KAFKA_SSL_KEY_FILE: path.optional(),
  /** SASL mechanism the cluster expects: plain (Confluent Cloud API keys) or scram (MSK, Aiven). */
  KAFKA_SASL_MECHANISM: z
    .enum(['plain', 'scram-sha-256', 'scram-sha-512'], {
      error: 'must be plain, scram-sha-256 or scram-sha-512',
    })
    .optional(),
  /** SASL user (the API key on Confluent Cloud). */
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  /** SASL password (the API secret on Confluent Cloud); registered with the log redactor. */
  KAFKA_SASL_PASSWORD: secret.optional(),
};

export const topicsBlock = {
  /** Normalized inbound events (webhook-ingestor → consumers). */
  KAFKA_TOPIC_INBOUND: z.string().min(1).default('omnistream.inbound.v1'),
  /** Send commands (producers → message-sender). */
  KAFKA_TOPIC_OUTBOUND: z.string().min(1).default('omnistream.outbound.v1'),
  /** Send outcomes (message-sender → consumers). */
  KAFKA_TOPIC_OUTBOUND_RESULTS: z.string().min(1).default('omnistream.outbound.results.v1'),
  /** Commands that could not be sent, with every attempt's error. */
  KAFKA_TOPIC_OUTBOUND_DLQ: z.string().min(1).default('omnistream.outbound.dlq.v1'),
  /** max.message.bytes `pnpm topics:create` gives a new inbound topic: events carry Meta's fragments, past Kafka's 1 MiB default. */
  KAFKA_INBOUND_MAX_MESSAGE_BYTES: z.coerce
    .number()
    .int()
    .min(1024 * 1024)
    .max(64 * 1024 * 1024)
    .default(8 * 1024 * 1024),
};

export const webhookIngestorBlock = {
  /** Largest webhook body accepted; Meta sends up to 3 MB (WhatsApp). */
  WEBHOOK_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(3 * 1024 * 1024),
  /** How long a webhook waits for Kafka's acknowledgement before its events go to the spool. */
  KAFKA_PUBLISH_TIMEOUT_MS: z.coerce.number().int().min(50).max(30_000).default(2_000),
  /** Pause between spool relay passes while the spool is empty or Kafka is down. */
  SPOOL_RELAY_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1_000),
  /** Hard limit on one event (uncompressed); a larger one is quarantined, not offered to Kafka. Keep it below KAFKA_INBOUND_MAX_MESSAGE_BYTES. */
  INBOUND_EVENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .max(64 * 1024 * 1024)
    .default(7 * 1024 * 1024),
  /** /readyz reports the spool relay stuck when the spool's oldest event has not left for this long. */
  SPOOL_STUCK_AFTER_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(60_000),
};

export const messageSenderBlock = {
  /** Consumer group of the senders; every replica uses the same so partitions are shared out. */
  SENDER_GROUP_ID: z.string().min(1).default('omnistream-message-sender'),
  /** Conversations (integration + recipient) being worked on at once per sender process. */
  MAX_CONCURRENT_CHATS: z.coerce.number().int().min(1).max(100_000).default(500),
  /** Commands held in memory per process before the consumer pauses (backpressure). */
  SENDER_MAX_BUFFERED: z.coerce.number().int().min(10).max(1_000_000).default(1_000),
  /** Graph calls per command before it goes to the DLQ (the first included). */
  SENDER_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(10),
  /** First retry delay; doubles per attempt with jitter. */
  SENDER_RETRY_MIN_DELAY_MS: z.coerce.number().int().min(1).max(600_000).default(500),
  /** Cap on one retry delay (Retry-After from Meta may ask for longer; it is honoured). */
  SENDER_RETRY_MAX_DELAY_MS: z.coerce.number().int().min(1).max(3_600_000).default(30_000),
  /** How long commands of an integration that needs a new token (error 190) wait for one. */
  SENDER_REAUTH_WAIT_MS: z.coerce.number().int().min(0).max(86_400_000).default(300_000),
  /** A command a dead sender left in "sending" may have reached Meta: send it again or dead-letter it. */
  SENDER_IN_DOUBT: z.enum(['resend', 'hold']).default('resend'),
  /** How long a sender that stopped renewing its lease (killed) still counts as sending its commands. */
  SENDER_CLAIM_LEASE_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  /** WhatsApp messages per second per business number (Meta: 80 by default, up to 1000). */
  RATE_WHATSAPP_PER_NUMBER: z.coerce.number().positive().max(10_000).default(80),
  /** WhatsApp pair rate: one message per this many ms to the same recipient… */
  RATE_WHATSAPP_PAIR_INTERVAL_MS: z.coerce.number().int().min(1).max(600_000).default(6_000),
  /** …after a burst of this many. */
  RATE_WHATSAPP_PAIR_BURST: z.coerce.number().int().min(1).max(1_000).default(5),
  /** Messenger Send API calls per second per Page. */
  RATE_MESSENGER_PER_PAGE: z.coerce.number().positive().max(10_000).default(300),
  /** Instagram calls per second per account. */
  RATE_INSTAGRAM_PER_ACCOUNT: z.coerce.number().positive().max(10_000).default(300),
  /** Port of the sender's /healthz, /readyz and /metrics (it serves no other HTTP). */
  MESSAGE_SENDER_METRICS_PORT: port.default(3002),
};

export const shutdownBlock = {
  /** Upper bound for a graceful shutdown; in-flight work normally finishes well before. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
};

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

export const webhookIngestorHttpBlock = {
  /** Port of the webhook-ingestor (Meta's callback URL is proxied here). */
  WEBHOOK_INGESTOR_PORT: port.default(3000),
};

export const apiGatewayHttpBlock = {
  /** Port of the admin REST API and OAuth callbacks. */
  API_GATEWAY_PORT: port.default(3001),
};

export const apiGatewayBlock = {
  /**
   * Bootstrap admin key: when set, it is stored (hashed) as the key named `bootstrap` at start-up,
   * so the first admin call works without `pnpm admin:create-key`. At least 32 characters.
   */
  ADMIN_API_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Failed admin authentications allowed per client IP per minute before 429. */
  ADMIN_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(10),
  /** Reverse proxies whose X-Forwarded-For names the client (failed-auth limits are per client); unset: nobody's. */
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .refine(
            isProxyAddress,
            'each entry must be an IP address, a CIDR, loopback, linklocal or uniquelocal',
          ),
      ),
    ),
  /** How often WhatsApp templates are re-read from Meta for every WhatsApp integration. */
  TEMPLATE_SYNC_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(3_600_000),
  /** Consumer group of the gateway's inbound-event and dead-letter consumers. */
  API_GATEWAY_GROUP_ID: z.string().min(1).default('omnistream-api-gateway'),
  /** Lifetime of an Idempotency-Key on POST /admin/messages. */
  IDEMPOTENCY_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24),
};

const retentionDays = z.coerce.number().int().min(0).max(36_500);

/** How long finished rows are kept before the api-gateway's periodic purge deletes them; 0 keeps them. */
export const retentionBlock = {
  /** Days an outbound message is kept after its last status change, once it is no longer queued or sending. */
  RETENTION_OUTBOUND_DAYS: retentionDays.default(30),
  /** Days a replayed dead letter is kept after its last replay. */
  RETENTION_DEAD_LETTERS_DAYS: retentionDays.default(30),
  /** Days a dead letter never replayed is kept; 0 by default, as each is work waiting for a person. */
  RETENTION_DEAD_LETTERS_UNREPLAYED_DAYS: retentionDays.default(0),
  /** Days a quarantined webhook (the ingestor could not publish it) is kept for inspection. */
  RETENTION_QUARANTINE_DAYS: retentionDays.default(30),
  /** How often the purge runs (one replica at a time, under a PostgreSQL advisory lock). */
  RETENTION_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(3_600_000),
  /** Rows per DELETE statement: a first purge of a large table never holds long locks. */
  RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(5_000),
};

export const httpLimitsBlock = {
  /** A request's headers and body must arrive within this, or it gets 408 (slow-body clients). */
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(300_000).default(15_000),
  /** A request's headers must arrive within this (slowloris); capped by HTTP_REQUEST_TIMEOUT_MS. */
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(300_000).default(5_000),
  /** Idle keep-alive connections are closed after this; Meta reuses connections between webhooks. */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(72_000),
  /** Open connections per server beyond which new ones are refused (each is a file descriptor). */
  HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(16).max(1_000_000).default(4_096),
};

export const httpHostBlock = {
  /** Host to bind HTTP servers to; 0.0.0.0 in containers, 127.0.0.1 for a local-only dev box. */
  HTTP_HOST: z.string().min(1).default('0.0.0.0'),
};

/** `pnpm dev` only (scripts/dev.ts): what it starts besides the services, and where it keeps its state. */
export const devStackBlock = {
  /** Port of meta-sim, the Graph API stand-in `pnpm dev` points the services at. */
  DEV_META_SIM_PORT: port.min(1).default(4110),
  /** Port of the development Kafka broker `pnpm dev` starts when KAFKA_BROKERS is unset. */
  DEV_KAFKA_PORT: port.min(1).default(19092),
  /** Folder of the running stack's file (pids, addresses) read by `pnpm demo` and `pnpm dev --stop`. */
  DEV_STATE_DIR: path.default('.omnistream/dev'),
};
