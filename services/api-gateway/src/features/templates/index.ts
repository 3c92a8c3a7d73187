import type { Pool } from '@omnistream/db';
import type { InboundEventOf } from '@omnistream/events';
import type { GraphClient } from '@omnistream/graph';
import type { IntegrationsRepository, TokenProvider } from '@omnistream/integrations';
import type { Logger } from '@omnistream/logger';
import type { RegisterRoutes } from '../../shared/feature.ts';
import type { GatewayMetrics } from '../../shared/gateway-metrics.ts';
import { startPeriodicTemplateSync } from './periodic-template-sync.ts';
import { createTemplateStatusHandler } from './template-status.handler.ts';
import { createTemplateSync, type TemplateSync } from './template-sync.ts';
import { createTemplatesRepository } from './templates.repository.ts';
import { registerTemplateRoutes } from './templates.routes.ts';
import { createTemplatesService } from './templates.service.ts';

export interface Templates {
  routes: RegisterRoutes;
  /** The inbound-events consumer's `template_status` handler. */
  onTemplateStatus: (event: InboundEventOf<'template_status'>) => Promise<void>;
  /** Stops the periodic sync (waits for a pass in progress). */
  stop(): Promise<void>;
}

/** Everything about WhatsApp templates, wired; the periodic sync starts at once. */
export function startTemplates(deps: {
  pool: Pool;
  graph: Pick<GraphClient, 'listTemplates' | 'createTemplate'>;
  integrations: Pick<IntegrationsRepository, 'get' | 'list'>;
  tokens: TokenProvider;
  logger: Logger;
  metrics: GatewayMetrics;
  syncIntervalMs: number;
}): Templates {
  const repository = createTemplatesRepository({ pool: deps.pool });
  const unmetered = createTemplateSync({ repository, graph: deps.graph, logger: deps.logger });
  // Every sync counted once, whoever asked for it: the periodic pass, an admin, a status webhook.
  const sync: TemplateSync = {
    async syncWaba(target) {
      try {
        const report = await unmetered.syncWaba(target);
        deps.metrics.templateSync('ok');
        return report;
      } catch (err) {
        deps.metrics.templateSync('failed');
        throw err;
      }
    },
  };
  const periodic = startPeriodicTemplateSync({
    intervalMs: deps.syncIntervalMs,
    integrations: deps.integrations,
    tokens: deps.tokens,
    sync,
    logger: deps.logger,
  });
  const service = createTemplatesService({
    repository,
    sync,
    graph: deps.graph,
    integrations: deps.integrations,
    tokens: deps.tokens,
    logger: deps.logger,
  });
  return {
    routes: (app) => registerTemplateRoutes(app, { templates: service }),
    onTemplateStatus: createTemplateStatusHandler({
      repository,
      sync,
      tokens: deps.tokens,
      logger: deps.logger,
    }),
    stop: () => periodic.stop(),
  };
}
