export { AppError, type AppErrorOptions, type ErrorCode } from './app-error.ts';
export { canCollectGarbage, collectGarbage } from './collect-garbage.ts';
export {
  type CursorValues,
  decodeCursor,
  decodeCursorOrLegacy,
  encodeCursor,
  InvalidCursorError,
  readsCursor,
} from './cursor.ts';
export { DomainError, type DomainErrorOptions } from './domain-error.ts';
export { DOMAIN_STATUS, domainToAppError, type ErrorBody, registerErrorHandler } from './error-handler.ts';
export {
  capConnections,
  DEFAULT_HTTP_LIMITS,
  type HttpLimits,
  httpLimitsFromConfig,
  httpServerOptions,
} from './http-limits.ts';
export { checkJsonDepth, MAX_JSON_DEPTH, parseJsonBounded } from './json-depth.ts';
export { createMetricsRegistry, instrumentHttp } from './metrics.ts';
export { type OpsOptions, type ReadinessCheck, registerOpsRoutes } from './ops.routes.ts';
export { publicServerOptions } from './public-server.ts';
export {
  type RunningService,
  type RunServiceOptions,
  runService,
  type ServiceBaseConfig,
  type ServiceContext,
  type StartedService,
} from './run-service.ts';
export { type GracefulShutdown, installGracefulShutdown, type ShutdownStep } from './shutdown.ts';
