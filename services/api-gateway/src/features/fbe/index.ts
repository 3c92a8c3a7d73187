import type { Pool } from '@omnistream/db';
import type { GraphClient } from '@omnistream/graph';
import type { TokenCipher } from '@omnistream/integrations';
import type { Logger, Redactor } from '@omnistream/logger';
import type { RegisterRoutes } from '../../shared/feature.ts';
import { registerFbeRoutes } from './fbe.routes.ts';
import { createFbeService } from './fbe.service.ts';
import { createFbeEventHandlers, type FbeEventHandlers } from './fbe-events.handler.ts';
import { createFbeInstallationsRepository } from './fbe-installations.repository.ts';

export interface Fbe {
  routes: RegisterRoutes;
  /** The inbound-events consumer's handlers of the FBE event kinds. */
  handlers: FbeEventHandlers;
}

/** Facebook Business Extension installations (docs/meta-platform.md, "Business setup facts"), wired. */
export function startFbe(deps: {
  pool: Pool;
  cipher: TokenCipher;
  graph: GraphClient;
  /** META_APP_ID: the app_id of the system-user token exchange too (docs/meta-platform.md, "Business setup facts"). */
  appId: string | undefined;
  appSecret: string | undefined;
  logger: Logger;
  redactor?: Redactor | undefined;
}): Fbe {
  const installations = createFbeInstallationsRepository({ pool: deps.pool, cipher: deps.cipher });
  const fbe = createFbeService({
    installations,
    graph: deps.graph,
    appId: deps.appId,
    appSecret: deps.appSecret,
    logger: deps.logger,
  });
  return {
    routes: (app) => registerFbeRoutes(app, { fbe }),
    handlers: createFbeEventHandlers({
      installations,
      cipher: deps.cipher,
      logger: deps.logger,
      redactor: deps.redactor,
    }),
  };
}
