import type { RegisterRoutes } from '../../shared/feature.ts';
import { registerIntegrationRoutes } from './integrations.routes.ts';
import { createIntegrationsService, type IntegrationsServiceDeps } from './integrations.service.ts';

/**
 * Channel integrations through the admin API, wired. Their rows belong to packages/integrations
 * (the repository every service shares); this feature adds the Meta check and the token reload.
 */
export function startIntegrations(deps: IntegrationsServiceDeps): { routes: RegisterRoutes } {
  const service = createIntegrationsService(deps);
  return { routes: (app) => registerIntegrationRoutes(app, { service }) };
}
