// The errors and cursor scheme of non-HTTP code, importable without loading fastify
// (`@omnistream/service-kit/domain`), e.g. by packages/integrations.
export type { ErrorCode } from './app-error.ts';
export {
  type CursorValues,
  decodeCursor,
  decodeCursorOrLegacy,
  encodeCursor,
  InvalidCursorError,
  readsCursor,
} from './cursor.ts';
export { DomainError, type DomainErrorOptions } from './domain-error.ts';
