import { type DestinationStream, type Logger as PinoLogger, pino } from 'pino';
import { createRedactor, errorToObject, type Redactor } from './redact.ts';

export type Logger = PinoLogger;
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface CreateLoggerOptions {
  /** Service name, logged as `service` on every line. */
  name: string;
  level?: LogLevel;
  /** Exact secret values (app secret, verify token, …) to scrub wherever they appear. */
  secrets?: readonly (string | undefined | null)[];
  /** Share one redactor so values registered later (decrypted tokens) are scrubbed too. */
  redactor?: Redactor;
  /** Output stream; stdout when omitted. Tests pass a capturing stream. */
  destination?: DestinationStream;
}

/**
 * pino JSON logger whose every line passes through the redactor: object fields, the message
 * string, interpolation arguments and serialized errors (message, stack, cause, own fields).
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const redactor = options.redactor ?? createRedactor();
  for (const s of options.secrets ?? []) redactor.addSecret(s);
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.name },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => redactor.scrub(obj) as Record<string, unknown>,
      },
      serializers: {
        err: (err: unknown) => (err instanceof Error ? errorToObject(err) : err),
        error: (err: unknown) => (err instanceof Error ? errorToObject(err) : err),
      },
      hooks: {
        logMethod(args, method) {
          // pino takes the message of `log.error(err)` from err.message, past the formatter.
          const [first, ...rest] = args as unknown[];
          const normalized =
            first instanceof Error
              ? [{ err: first }, typeof rest[0] === 'string' ? rest.shift() : first.message, ...rest]
              : args;
          const scrubbed = normalized.map((a) => (typeof a === 'string' ? redactor.scrubString(a) : a));
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}
