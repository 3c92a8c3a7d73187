import type { Pool } from '@omnistream/db';
import type { RegisterRoutes } from '../../shared/feature.ts';
import { registerQuarantineRoutes } from './quarantine.routes.ts';
import { createSpoolQuarantineRepository } from './spool-quarantine.repository.ts';

/** The admin view of webhooks the ingestor quarantined, wired. */
export function startQuarantine(deps: { pool: Pool }): { routes: RegisterRoutes } {
  const spoolQuarantine = createSpoolQuarantineRepository({ pool: deps.pool });
  return { routes: (app) => registerQuarantineRoutes(app, { spoolQuarantine }) };
}
