export { type CreateLoggerOptions, createLogger, type Logger, type LogLevel } from './logger.ts';
export { createRedactor, errorToObject, REDACTED, type Redactor } from './redact.ts';
