import type { GraphClient } from '@omnistream/graph';
import type { Logger } from '@omnistream/logger';
import type { IntegrationWriter } from './integration-writer.ts';
import type { LoginFlow } from './login-flow.ts';
import { type OauthSettings, redirectUriFor } from './oauth-settings.ts';
import { metaRefused, metaStep, permissionNotGranted, writeFailed } from './onboarding-errors.ts';

/** Instagram API with Instagram Login: what reading and answering DMs needs (Business Login scopes). */
export const INSTAGRAM_SCOPES = ['instagram_business_basic', 'instagram_business_manage_messages'] as const;
/** The account's webhook fields (docs/meta-platform.md, "Business setup facts"). */
export const INSTAGRAM_WEBHOOK_FIELDS = [
  'messages',
  'messaging_postbacks',
  'messaging_seen',
  'message_reactions',
];
/** Meta's long-lived Instagram tokens last 60 days; used only when Meta leaves out expires_in. */
const LONG_LIVED_FALLBACK_MS = 60 * 86_400_000;

export type InstagramGraph = Pick<
  GraphClient,
  'exchangeInstagramCode' | 'exchangeInstagramLongLived' | 'checkToken' | 'subscribeInstagramApp'
>;

export function createInstagramLogin(deps: {
  settings: OauthSettings;
  /** INSTAGRAM_APP_SECRET (or META_APP_SECRET, which the Graph client falls back to) is set. */
  hasAppSecret: boolean;
  graph: InstagramGraph;
  writer: IntegrationWriter;
  logger: Logger;
  now?: () => number;
}): LoginFlow {
  const { settings, graph, writer, logger } = deps;
  const now = deps.now ?? Date.now;

  return {
    provider: 'instagram',
    label: 'Instagram',
    missingSettings() {
      const missing: string[] = [];
      if (!settings.instagramAppId) missing.push('INSTAGRAM_APP_ID');
      if (!deps.hasAppSecret) missing.push('INSTAGRAM_APP_SECRET');
      if (!settings.publicUrl) missing.push('API_GATEWAY_PUBLIC_URL');
      return missing;
    },
    redirectUri: () => redirectUriFor(settings.publicUrl ?? '', 'instagram'),
    authorizeUrl({ state, redirectUri }) {
      const url = new URL(settings.instagramAuthorizeUrl);
      url.searchParams.set('client_id', settings.instagramAppId ?? '');
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('scope', INSTAGRAM_SCOPES.join(','));
      url.searchParams.set('state', state);
      return url.toString();
    },
    async complete({ code, redirectUri, adminKeyId }) {
      const appId = settings.instagramAppId ?? '';
      const short = await metaStep('exchange the authorization code', () =>
        graph.exchangeInstagramCode({ appId, redirectUri, code }),
      );
      // An empty list means Meta did not say; only a list without our scope is a refusal.
      const missing = INSTAGRAM_SCOPES.filter((s) => !short.permissions.includes(s));
      if (short.permissions.length > 0 && missing.length > 0) throw permissionNotGranted(missing);
      const long = await metaStep('exchange the token for a long-lived one', () =>
        graph.exchangeInstagramLongLived({ token: short.accessToken }),
      );
      // The code exchange's user_id is the app-scoped id; webhooks and sends use the professional
      // account id, which /me answers as `user_id` (Instagram Login docs, "Get user profile").
      const me = await metaStep('read the account', () =>
        graph.checkToken({ token: long.accessToken, host: 'instagram' }),
      );
      if (!me.valid) throw metaRefused('read the account with the new token', me.reason);
      // Without this subscription Meta sends no webhooks for the account (Instagram Login webhooks).
      await metaStep("subscribe the account to the app's webhooks", () =>
        graph.subscribeInstagramApp({ token: long.accessToken, fields: INSTAGRAM_WEBHOOK_FIELDS }),
      );
      const tokenExpiresAt = new Date(
        now() + (long.expiresIn ? long.expiresIn * 1000 : LONG_LIVED_FALLBACK_MS),
      );
      const connected = await writer
        .connectAll([
          {
            channel: 'instagram',
            accountId: me.id,
            name: me.name ?? null,
            token: long.accessToken,
            tokenType: 'instagram_user',
            tokenExpiresAt,
          },
        ])
        .catch((err: unknown) => {
          throw writeFailed(err);
        });
      for (const c of connected) {
        logger.info(
          { integrationId: c.integrationId, igUserId: c.accountId, action: c.action, adminKeyId },
          'Instagram account connected through Instagram Login',
        );
      }
      return { provider: 'instagram', connected, skipped: [] };
    },
  };
}
