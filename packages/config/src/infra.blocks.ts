import { z } from 'zod';
import { path, secret } from './block-types.ts';

// Logging, PostgreSQL, Kafka and shutdown: what every service process needs.

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

export const shutdownBlock = {
  /** Upper bound for a graceful shutdown; in-flight work normally finishes well before. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
};
