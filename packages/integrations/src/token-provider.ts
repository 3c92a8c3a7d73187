import type { Logger, Redactor } from '@omnistream/logger';
import { accountIdOf, type Channel, type Integration } from './integration.ts';
import type { IntegrationsRepository } from './integrations.repository.ts';

/** The integration id reported for the token that comes from META_ACCESS_TOKEN. */
export const ENV_FALLBACK_INTEGRATION_ID = 'env:whatsapp';

export interface ResolvedToken {
  integrationId: string;
  channel: Channel;
  accountId: string;
  token: string;
  /** Where the token came from: a database row or the environment fallback. */
  source: 'database' | 'environment';
  integration: Integration | null;
}

export interface TokenProviderOptions {
  repository: Pick<IntegrationsRepository, 'loadActiveTokens'>;
  logger: Logger;
  intervalMs: number;
  /** META_PHONE_NUMBER_ID / META_ACCESS_TOKEN: served when no active row exists for that number. */
  fallback?: { whatsappPhoneNumberId?: string | undefined; whatsappToken?: string | undefined };
  /** Decrypted tokens are registered here so the logger scrubs them wherever they appear. */
  redactor?: Redactor;
}

export interface TokenProvider {
  /** Loads once (throws if the first load fails), then polls every intervalMs. */
  start(): Promise<void>;
  stop(): void;
  /** Re-reads the table now; on failure keeps the last good snapshot and returns false. */
  refresh(): Promise<boolean>;
  byIntegrationId(integrationId: string): ResolvedToken | null;
  byAccount(channel: Channel, accountId: string): ResolvedToken | null;
  /**
   * The integration id for an account, null when unknown (webhook routing). For WhatsApp the
   * account may also be a WABA id (template webhooks carry no phone number id).
   */
  integrationIdFor(channel: Channel, accountId: string): string | null;
  /** Time of the last successful load; null before the first. */
  readonly lastLoadedAt: Date | null;
  /** True while the last poll failed and tokens are being served from the last good snapshot. */
  readonly stale: boolean;
}

interface Snapshot {
  byId: Map<string, ResolvedToken>;
  byAccount: Map<string, ResolvedToken>;
  /** WhatsApp template webhooks name the WABA, not a number: the oldest integration of that WABA. */
  byWaba: Map<string, ResolvedToken>;
}

const accountKey = (channel: Channel, accountId: string) => `${channel}:${accountId}`;

/**
 * Serves tokens from memory, refreshed from the integrations table every intervalMs, so a token
 * rotated over the admin API is used by every service within one interval and without a restart.
 * When PostgreSQL is unreachable the last good snapshot keeps serving (a gateway that stops
 * sending because its database blinked would be worse than one using a token a few seconds old).
 */
export function createTokenProvider(options: TokenProviderOptions): TokenProvider {
  const { repository, logger, intervalMs, fallback, redactor } = options;
  let snapshot: Snapshot = { byId: new Map(), byAccount: new Map(), byWaba: new Map() };
  let timer: NodeJS.Timeout | undefined;
  let lastLoadedAt: Date | null = null;
  let stale = false;
  let inFlight: Promise<boolean> | null = null;

  const envToken: ResolvedToken | null =
    fallback?.whatsappPhoneNumberId && fallback.whatsappToken
      ? {
          integrationId: ENV_FALLBACK_INTEGRATION_ID,
          channel: 'whatsapp',
          accountId: fallback.whatsappPhoneNumberId,
          token: fallback.whatsappToken,
          source: 'environment',
          integration: null,
        }
      : null;
  redactor?.addSecret(envToken?.token);

  async function load(): Promise<void> {
    const rows = await repository.loadActiveTokens();
    const next: Snapshot = { byId: new Map(), byAccount: new Map(), byWaba: new Map() };
    for (const { integration, token } of rows) {
      redactor?.addSecret(token);
      const resolved: ResolvedToken = {
        integrationId: integration.id,
        channel: integration.channel,
        accountId: accountIdOf(integration),
        token,
        source: 'database',
        integration,
      };
      next.byId.set(integration.id, resolved);
      next.byAccount.set(accountKey(integration.channel, resolved.accountId), resolved);
      const waba = integration.channel === 'whatsapp' ? integration.wabaId : null;
      const current = waba ? next.byWaba.get(waba) : undefined;
      if (waba && (!current || (current.integration?.createdAt ?? 0) > integration.createdAt))
        next.byWaba.set(waba, resolved);
      const previous = snapshot.byId.get(integration.id);
      if (previous && previous.token !== token) {
        logger.info(
          { integrationId: integration.id, channel: integration.channel, tokenLast4: integration.tokenLast4 },
          'integration token rotated; new token in use',
        );
      }
    }
    snapshot = next;
  }

  async function refresh(): Promise<boolean> {
    // A slow database must not stack polls on top of each other.
    inFlight ??= (async () => {
      try {
        await load();
        if (stale) logger.info('integrations poll recovered; tokens are current again');
        stale = false;
        lastLoadedAt = new Date();
        return true;
      } catch (err) {
        if (!stale) {
          logger.warn(
            { err, lastLoadedAt, integrations: snapshot.byId.size },
            'integrations poll failed; serving the last good tokens',
          );
        }
        stale = true;
        return false;
      } finally {
        inFlight = null;
      }
    })();
    return inFlight;
  }

  function byAccount(channel: Channel, accountId: string): ResolvedToken | null {
    const hit = snapshot.byAccount.get(accountKey(channel, accountId));
    if (hit) return hit;
    if (envToken && channel === envToken.channel && accountId === envToken.accountId) return envToken;
    return null;
  }

  return {
    async start() {
      await load();
      lastLoadedAt = new Date();
      timer = setInterval(() => void refresh(), intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
    refresh,
    byIntegrationId(integrationId) {
      if (envToken && integrationId === envToken.integrationId) {
        // A row for the same number takes precedence over the environment.
        return byAccount('whatsapp', envToken.accountId);
      }
      return snapshot.byId.get(integrationId) ?? null;
    },
    byAccount,
    integrationIdFor(channel, accountId) {
      const hit =
        byAccount(channel, accountId) ??
        (channel === 'whatsapp' ? snapshot.byWaba.get(accountId) : undefined);
      return hit?.integrationId ?? null;
    },
    get lastLoadedAt() {
      return lastLoadedAt;
    },
    get stale() {
      return stale;
    },
  };
}
