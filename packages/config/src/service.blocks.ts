import { z } from 'zod';
import { isProxyAddress, path, port, retentionDays } from './block-types.ts';

// Each service's own settings: the webhook-ingestor, the message-sender, the api-gateway and its
// retention, HTTP listeners and limits, and `pnpm dev`.

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
   * The largest media file the gateway streams or uploads (bytes). Default: 100 MiB, WhatsApp's
   * document limit (docs/meta-platform.md, "Media").
   */
  MEDIA_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 * 1024 ** 3)
    .default(100 * 1024 ** 2),
  /**
   * Hosts a media or attachment download may reach (exact names or `*.suffix`), the first URL and
   * every redirect: Meta's media and CDN hosts. Anything else is refused (no request to it).
   */
  MEDIA_ALLOWED_HOSTS: z
    .string()
    .default('lookaside.fbsbx.com,*.fbsbx.com,*.fbcdn.net,*.cdninstagram.com,*.whatsapp.net')
    .transform((s) =>
      s
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(
          z
            .string()
            .regex(
              /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$/,
              'each entry is a host name or *.suffix, e.g. *.fbcdn.net',
            ),
        )
        .min(1),
    ),
  /**
   * Bootstrap admin key: when set, it is stored (hashed) as the key named `bootstrap` at start-up,
   * so the first admin call works without `pnpm admin:create-key`. At least 32 characters.
   */
  ADMIN_API_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /** How long a console sign-in lasts (docs/console.md); revoking the admin key ends it sooner. */
  CONSOLE_SESSION_HOURS: z.coerce.number().int().min(1).max(720).default(12),
  /** Live update streams (the console's server-sent events) open at once; more get 503. */
  CONSOLE_MAX_STREAMS: z.coerce.number().int().min(1).max(10_000).default(20),
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
  /** Days a received message or echo stays in the api-gateway's message log (the conversation views). */
  MESSAGE_LOG_RETENTION_DAYS: retentionDays.default(30),
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
