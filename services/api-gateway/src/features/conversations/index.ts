import type { Pool } from '@omnistream/db';
import type { IntegrationsRepository } from '@omnistream/integrations';
import type { Logger } from '@omnistream/logger';
import type { RegisterRoutes } from '../../shared/feature.ts';
import { registerConversationRoutes } from './conversations.routes.ts';
import { createMessageLogHandlers, type MessageLogHandlers } from './message-log.handler.ts';
import { createMessageLogRepository } from './message-log.repository.ts';

/**
 * The message log and the conversation views (docs/admin-api.md, "Conversations"): the handlers of
 * inbound `message` and `echo` events (for the inbound-events consumer) and the list routes.
 */
export function startConversations(deps: {
  pool: Pool;
  integrations: Pick<IntegrationsRepository, 'get'>;
  logger: Logger;
}): { routes: RegisterRoutes; handlers: MessageLogHandlers } {
  const messageLog = createMessageLogRepository({ pool: deps.pool });
  return {
    routes: (app) => registerConversationRoutes(app, { messageLog, integrations: deps.integrations }),
    handlers: createMessageLogHandlers({ repository: messageLog, logger: deps.logger }),
  };
}
