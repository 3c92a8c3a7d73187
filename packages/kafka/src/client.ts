import type { Logger } from '@omnistream/logger';
import { Kafka, type KafkaConfig, type LogEntry, logLevel, type RetryOptions } from 'kafkajs';

export interface CreateKafkaOptions {
  /** Bootstrap brokers as host:port. */
  brokers: readonly string[];
  clientId: string;
  logger: Logger;
  /** Overrides of the client-wide retry schedule (producers and admin inherit it). */
  retry?: RetryOptions;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  ssl?: KafkaConfig['ssl'];
  sasl?: KafkaConfig['sasl'];
}

/**
 * ~10 s of exponential backoff (300 ms doubling, capped at 30 s) before an operation gives up: long
 * enough to ride out a leader election, short enough for the webhook ingestor to fall back to its
 * spool while Meta still waits for an answer.
 */
const DEFAULT_RETRY: RetryOptions = { initialRetryTime: 300, maxRetryTime: 30_000, retries: 5 };

/** kafkajs client whose own logs go through our (redacting) pino logger. */
export function createKafka(options: CreateKafkaOptions): Kafka {
  const config: KafkaConfig = {
    brokers: [...options.brokers],
    clientId: options.clientId,
    // kafkajs' 1 s default is too tight for a TLS handshake to a managed cluster.
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    logLevel: kafkajsLevelFor(options.logger.level),
    logCreator: pinoLogCreator(options.logger),
  };
  if (options.ssl !== undefined) config.ssl = options.ssl;
  if (options.sasl !== undefined) config.sasl = options.sasl;
  return new Kafka(config);
}

/** kafkajs filters before formatting, so ask it only for what pino would print anyway. */
export function kafkajsLevelFor(pinoLevel: string): logLevel {
  switch (pinoLevel) {
    case 'trace':
    case 'debug':
      return logLevel.DEBUG;
    case 'info':
      return logLevel.INFO;
    case 'warn':
      return logLevel.WARN;
    case 'silent':
      return logLevel.NOTHING;
    default:
      return logLevel.ERROR;
  }
}

/** Routes kafkajs log entries into pino as `{ component: 'kafkajs', namespace, ...extra }`. */
export function pinoLogCreator(logger: Logger) {
  const log = logger.child({ component: 'kafkajs' });
  return (_level: logLevel) =>
    ({ namespace, level, log: entry }: LogEntry): void => {
      const {
        message,
        timestamp: _ts,
        logger: _name,
        ...extra
      } = entry as LogEntry['log'] & { logger?: string };
      const fields = { namespace, ...extra };
      switch (level) {
        case logLevel.ERROR:
          // kafkajs logs every protocol error response at ERROR although the operation that sent
          // the request retries it or rejects with it (e.g. TOPIC_ALREADY_EXISTS, a moving leader);
          // the caller decides whether it is an error.
          if (namespace === 'Connection' && message.startsWith('Response ')) log.warn(fields, message);
          else log.error(fields, message);
          break;
        case logLevel.WARN:
          log.warn(fields, message);
          break;
        case logLevel.INFO:
          log.info(fields, message);
          break;
        default:
          log.debug(fields, message);
      }
    };
}
