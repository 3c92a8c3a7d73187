export {
  accountIdOf,
  type Channel,
  type ConnectionError,
  type ConnectionStatus,
  type Integration,
  type IntegrationStatus,
  type TokenType,
} from './integration.ts';
export { countIntegrations, type IntegrationCount } from './integration-counts.ts';
export {
  type ActiveIntegrationToken,
  type CheckedToken,
  createIntegrationsRepository,
  IntegrationConflictError,
  type IntegrationPatch,
  type IntegrationsRepository,
  type ListIntegrationsQuery,
  type NewIntegration,
} from './integrations.repository.ts';
export {
  createTokenCipher,
  type EncryptedToken,
  type EncryptionKey,
  type TokenCipher,
  TokenDecryptionError,
  tokenLast4,
} from './token-cipher.ts';
export {
  ENCRYPTED_TOKEN_COLUMNS,
  type EncryptedTokenColumn,
  reencryptTokenColumns,
} from './token-columns.ts';
export {
  createTokenProvider,
  ENV_FALLBACK_INTEGRATION_ID,
  type ResolvedToken,
  type TokenProvider,
  type TokenProviderOptions,
} from './token-provider.ts';
