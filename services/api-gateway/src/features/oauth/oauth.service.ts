import type { Pool } from '@omnistream/db';
import type { GraphClient } from '@omnistream/graph';
import type { TokenCipher } from '@omnistream/integrations';
import type { Logger } from '@omnistream/logger';
import { createInstagramLogin } from './instagram-login.ts';
import { createIntegrationWriter } from './integration-writer.ts';
import type { LoginFlow } from './login-flow.ts';
import { createMessengerLogin } from './messenger-login.ts';
import type { OauthSettings } from './oauth-settings.ts';
import {
  createOauthStatesRepository,
  type OauthProvider,
  type OauthStatesRepository,
} from './oauth-states.repository.ts';

/** Everything the /oauth routes need. */
export interface OauthOnboarding {
  states: OauthStatesRepository;
  flows: Record<OauthProvider, LoginFlow>;
}

export function createOauthOnboarding(deps: {
  settings: OauthSettings;
  pool: Pool;
  cipher: TokenCipher;
  graph: GraphClient;
  logger: Logger;
  secrets: { metaAppSecret: boolean; instagramAppSecret: boolean };
  /** After a successful connection (the TokenProvider re-reads so the new tokens serve at once). */
  onConnected?: () => Promise<unknown>;
}): OauthOnboarding {
  const writer = createIntegrationWriter({ pool: deps.pool, cipher: deps.cipher });
  const logger = deps.logger.child({ component: 'oauth' });
  const withRefresh = (flow: LoginFlow): LoginFlow => ({
    ...flow,
    async complete(input) {
      const result = await flow.complete(input);
      await deps
        .onConnected?.()
        .catch((err: unknown) => logger.warn({ err }, 'token reload after connect failed'));
      return result;
    },
  });
  return {
    states: createOauthStatesRepository({ pool: deps.pool }),
    flows: {
      instagram: withRefresh(
        createInstagramLogin({
          settings: deps.settings,
          hasAppSecret: deps.secrets.instagramAppSecret,
          graph: deps.graph,
          writer,
          logger,
        }),
      ),
      messenger: withRefresh(
        createMessengerLogin({
          settings: deps.settings,
          hasAppSecret: deps.secrets.metaAppSecret,
          graph: deps.graph,
          writer,
          logger,
        }),
      ),
    },
  };
}
