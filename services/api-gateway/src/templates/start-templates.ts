import type { Pool } from '@omnistream/db';
import type { InboundEventOf } from '@omnistream/events';
import type { GraphClient } from '@omnistream/graph';
import type { IntegrationsRepository, TokenProvider } from '@omnistream/integrations';
import type { Logger } from '@omnistream/logger';
import { startPeriodicTemplateSync } from './periodic-template-sync.ts';
import { createTemplateStatusHandler } from './template-status.handler.ts';
import { createTemplateSync } from './template-sync.ts';
import { createTemplatesRepository } from './templates.repository.ts';
import { createTemplatesService, type TemplatesService } from './templates.service.ts';

export interface Templates {
  /** What the admin routes call. */
  service: TemplatesService;
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
  syncIntervalMs: number;
}): Templates {
  const repository = createTemplatesRepository({ pool: deps.pool });
  const sync = createTemplateSync({ repository, graph: deps.graph, logger: deps.logger });
  const periodic = startPeriodicTemplateSync({
    intervalMs: deps.syncIntervalMs,
    integrations: deps.integrations,
    tokens: deps.tokens,
    sync,
    logger: deps.logger,
  });
  return {
    service: createTemplatesService({
      repository,
      sync,
      graph: deps.graph,
      integrations: deps.integrations,
      tokens: deps.tokens,
      logger: deps.logger,
    }),
    onTemplateStatus: createTemplateStatusHandler({
      repository,
      sync,
      tokens: deps.tokens,
      logger: deps.logger,
    }),
    stop: () => periodic.stop(),
  };
}
