import type { ResolvedToken, TokenProvider } from '@omnistream/integrations';

export type TokenSource = Pick<TokenProvider, 'byIntegrationId' | 'refresh'>;

/** A token read from an integration row (which templates can be stored under). */
export interface RowToken {
  integrationId: string;
  token: string;
}

const fromRow = (t: ResolvedToken | null): RowToken | null =>
  t?.source === 'database' ? { integrationId: t.integrationId, token: t.token } : null;

/**
 * The integration's current token, or null when it has none (disabled, unknown, or the environment
 * fallback, which has no row to store templates under). An integration created or re-enabled since
 * the provider's last poll is not in its snapshot yet: one refresh picks it up instead of answering
 * "no token" for up to a poll interval.
 */
export async function integrationToken(tokens: TokenSource, integrationId: string): Promise<RowToken | null> {
  const hit = fromRow(tokens.byIntegrationId(integrationId));
  if (hit) return hit;
  await tokens.refresh();
  return fromRow(tokens.byIntegrationId(integrationId));
}
