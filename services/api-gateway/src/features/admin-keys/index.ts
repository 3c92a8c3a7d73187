import type { Pool } from '@omnistream/db';
import type { Logger, Redactor } from '@omnistream/logger';
import type { RegisterRoutes } from '../../shared/feature.ts';
import { type AdminKeysRepository, createAdminKeysRepository } from './admin-keys.repository.ts';
import { registerAdminKeyRoutes } from './admin-keys.routes.ts';

export {
  type AdminKey,
  type AdminKeyRow,
  type AdminKeysRepository,
  createAdminKeysRepository,
  toKey,
} from './admin-keys.repository.ts';

export interface AdminKeys {
  /** What admin authentication checks keys against. */
  repository: AdminKeysRepository;
  routes: RegisterRoutes;
}

/** Admin API keys, wired; ADMIN_API_KEY (when set) is stored as the `bootstrap` key first. */
export async function startAdminKeys(deps: {
  pool: Pool;
  logger: Logger;
  redactor?: Redactor | undefined;
  bootstrapKey?: string | undefined;
}): Promise<AdminKeys> {
  const repository = createAdminKeysRepository({ pool: deps.pool });
  if (deps.bootstrapKey) {
    deps.redactor?.addSecret(deps.bootstrapKey);
    const { created } = await repository.ensure({ name: 'bootstrap', key: deps.bootstrapKey });
    if (created) deps.logger.info('stored ADMIN_API_KEY as the admin key named "bootstrap"');
  }
  return { repository, routes: (app) => registerAdminKeyRoutes(app, { adminKeys: repository }) };
}
