import type { FacebookPage, GraphClient } from '@omnistream/graph';
import type { Logger } from '@omnistream/logger';
import type { AccountToConnect, IntegrationWriter } from './integration-writer.ts';
import type { LoginFlow, SkippedPage } from './login-flow.ts';
import { type OauthSettings, redirectUriFor } from './oauth-settings.ts';
import { metaStep, noPages, writeFailed } from './onboarding-errors.ts';

/**
 * The Page webhook fields the ingestor handles (docs/meta-platform.md, "Payload shapes"):
 * message (and its echoes), postback, delivery, read, reaction.
 */
export const MESSENGER_WEBHOOK_FIELDS = [
  'messages',
  'messaging_postbacks',
  'message_deliveries',
  'message_reads',
  'message_echoes',
  'message_reactions',
];

export type MessengerGraph = Pick<
  GraphClient,
  'exchangeFacebookCode' | 'exchangeLongLivedFacebookToken' | 'listPages' | 'subscribePageApp'
>;

/** Why a Page of /me/accounts cannot be connected, or null when it can. */
function unusable(page: FacebookPage): string | null {
  if (page.accessToken === undefined) return 'Meta gave no Page token for it';
  // `tasks` lists what the person may do on the Page; sending needs MESSAGING.
  if (page.tasks.length > 0 && !page.tasks.includes('MESSAGING'))
    return 'you may not send messages as this Page';
  return null;
}

export function createMessengerLogin(deps: {
  settings: OauthSettings;
  /** META_APP_SECRET is set (Facebook's code exchange needs it). */
  hasAppSecret: boolean;
  graph: MessengerGraph;
  writer: IntegrationWriter;
  logger: Logger;
}): LoginFlow {
  const { settings, graph, writer, logger } = deps;

  return {
    provider: 'messenger',
    label: 'Messenger',
    missingSettings() {
      const missing: string[] = [];
      if (!settings.metaAppId) missing.push('META_APP_ID');
      if (!settings.messengerLoginConfigId) missing.push('MESSENGER_LOGIN_CONFIG_ID');
      if (!deps.hasAppSecret) missing.push('META_APP_SECRET');
      if (!settings.publicUrl) missing.push('API_GATEWAY_PUBLIC_URL');
      return missing;
    },
    redirectUri: () => redirectUriFor(settings.publicUrl ?? '', 'messenger'),
    authorizeUrl({ state, redirectUri }) {
      // Facebook Login for Business: the configuration (config_id) carries the permissions, so no
      // `scope` is sent.
      const url = new URL(settings.facebookDialogUrl);
      url.searchParams.set('client_id', settings.metaAppId ?? '');
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('config_id', settings.messengerLoginConfigId ?? '');
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('state', state);
      return url.toString();
    },
    async complete({ code, redirectUri, adminKeyId }) {
      const appId = settings.metaAppId ?? '';
      const short = await metaStep('exchange the authorization code', () =>
        graph.exchangeFacebookCode({ appId, redirectUri, code }),
      );
      // A user token expires (about an hour); its long-lived form makes Page tokens that never
      // expire. A configuration issuing business-integration system-user tokens returns one without
      // expires_in, which needs no exchange.
      const userToken =
        short.expiresIn === undefined
          ? short.accessToken
          : (
              await metaStep('exchange the token for a long-lived one', () =>
                graph.exchangeLongLivedFacebookToken({ appId, token: short.accessToken }),
              )
            ).accessToken;
      const pages = await metaStep('list the Pages', () => graph.listPages({ token: userToken }));

      const byId = new Map<string, FacebookPage & { accessToken: string }>();
      const skipped: SkippedPage[] = [];
      for (const page of pages) {
        const why = unusable(page);
        if (why !== null) skipped.push({ id: page.id, name: page.name, reason: why });
        else if (page.accessToken !== undefined)
          byId.set(page.id, { ...page, accessToken: page.accessToken });
      }
      if (byId.size === 0) throw noPages(skipped);

      // Every Page is subscribed before anything is stored: if one subscription fails, nothing is
      // connected (a Page without webhooks would look connected but never receive a message). The
      // Pages subscribed before the failure stay subscribed at Meta, which is harmless: the
      // subscription is idempotent and the next attempt repeats it.
      for (const page of byId.values()) {
        await metaStep(`subscribe the Page "${page.name}" (${page.id}) to the app's webhooks`, () =>
          graph.subscribePageApp({
            pageId: page.id,
            token: page.accessToken,
            fields: MESSENGER_WEBHOOK_FIELDS,
          }),
        );
      }

      const accounts: AccountToConnect[] = [...byId.values()].map((page) => ({
        channel: 'messenger',
        accountId: page.id,
        name: page.name || null,
        token: page.accessToken,
        tokenType: 'page',
        // Page tokens from a long-lived user token do not expire (Meta: "Long-Lived Access Tokens").
        tokenExpiresAt: null,
      }));
      const connected = await writer.connectAll(accounts).catch((err: unknown) => {
        throw writeFailed(err);
      });
      for (const c of connected) {
        logger.info(
          { integrationId: c.integrationId, pageId: c.accountId, action: c.action, adminKeyId },
          'Messenger Page connected through Facebook Login for Business',
        );
      }
      for (const s of skipped)
        logger.info({ pageId: s.id, reason: s.reason }, 'Page granted but not connected');
      return { provider: 'messenger', connected, skipped };
    },
  };
}
