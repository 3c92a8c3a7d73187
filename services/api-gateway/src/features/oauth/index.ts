import type { Pool } from '@omnistream/db';
import type { GraphClient } from '@omnistream/graph';
import type { IntegrationsRepository, TokenCipher } from '@omnistream/integrations';
import type { Logger } from '@omnistream/logger';
import type { AdminAuthDeps } from '../../shared/admin-auth.ts';
import type { FailureResponder, RegisterRoutes } from '../../shared/feature.ts';
import type { GatewayMetrics } from '../../shared/gateway-metrics.ts';
import { createInstagramTokenRefresher } from './instagram-token-refresher.ts';
import { oauthFailureResponder, registerOauthRoutes } from './oauth.routes.ts';
import { createOauthOnboarding } from './oauth.service.ts';
import type { OauthSettings } from './oauth-settings.ts';

export { facebookDialogUrlFor, type OauthSettings } from './oauth-settings.ts';

export interface Oauth {
  /** Outside /admin: the start routes authenticate the admin themselves, callbacks by their state. */
  routes: RegisterRoutes;
  /** The callbacks' failures as a page for browsers (see oauthFailureResponder). */
  respondToFailure: FailureResponder;
  /** Stops the Instagram token refresh job (waits for a pass in progress). */
  stop(): Promise<void>;
}

/**
 * OAuth onboarding (Instagram Login, Facebook Login for Business) and the Instagram token refresh
 * job, wired; the job's first pass runs at once.
 */
export function startOauth(deps: {
  settings: OauthSettings;
  refresh: { intervalMs: number; refreshWithinDays: number };
  /** Which app secrets the Graph client has (the flows refuse to start without theirs). */
  secrets: { metaAppSecret: boolean; instagramAppSecret: boolean };
  pool: Pool;
  cipher: TokenCipher;
  integrations: IntegrationsRepository;
  graph: GraphClient;
  logger: Logger;
  metrics: GatewayMetrics;
  /** After tokens were connected or refreshed: the gateway's TokenProvider re-reads at once. */
  reloadTokens: () => Promise<unknown>;
  /** Admin authentication, which the start routes run themselves. */
  auth: AdminAuthDeps;
}): Oauth {
  const refresher = createInstagramTokenRefresher({
    repository: deps.integrations,
    graph: deps.graph,
    pool: deps.pool,
    logger: deps.logger,
    intervalMs: deps.refresh.intervalMs,
    refreshWithinMs: deps.refresh.refreshWithinDays * 86_400_000,
    onRotated: deps.reloadTokens,
    onPass: (pass) => {
      for (let i = 0; i < pass.refreshed; i++) deps.metrics.tokenRefresh('refreshed');
      for (let i = 0; i < pass.flagged; i++) deps.metrics.tokenRefresh('refused');
      for (let i = 0; i < pass.deferred; i++) deps.metrics.tokenRefresh('deferred');
    },
  });
  refresher.start();
  const oauth = createOauthOnboarding({
    settings: deps.settings,
    pool: deps.pool,
    cipher: deps.cipher,
    graph: deps.graph,
    logger: deps.logger,
    secrets: deps.secrets,
    onConnected: deps.reloadTokens,
  });
  return {
    routes: (app) => registerOauthRoutes(app, { oauth, auth: deps.auth }),
    respondToFailure: oauthFailureResponder({ oauth }),
    stop: () => refresher.stop(),
  };
}
