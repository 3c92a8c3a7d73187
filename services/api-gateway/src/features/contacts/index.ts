import type { Pool } from '@omnistream/db';
import type { GraphClient } from '@omnistream/graph';
import type { IntegrationsRepository } from '@omnistream/integrations';
import type { Logger } from '@omnistream/logger';
import type { RegisterRoutes } from '../../shared/feature.ts';
import { createContactIdentitiesRepository } from './contact-identities.repository.ts';
import { registerContactRoutes } from './contacts.routes.ts';
import { createIdentityLinking } from './identity-linking.service.ts';

/** Contact identity linking (Messenger and Instagram ids of one person), wired. */
export function startContacts(deps: {
  pool: Pool;
  integrations: IntegrationsRepository;
  graph: GraphClient;
  logger: Logger;
}): { routes: RegisterRoutes } {
  const identityLinking = createIdentityLinking({
    integrations: deps.integrations,
    graph: deps.graph,
    identities: createContactIdentitiesRepository({ pool: deps.pool }),
    logger: deps.logger,
  });
  return { routes: (app) => registerContactRoutes(app, { identityLinking }) };
}
