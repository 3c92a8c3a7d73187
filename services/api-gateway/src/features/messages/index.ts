import type { Pool } from '@omnistream/db';
import type { IntegrationsRepository } from '@omnistream/integrations';
import type { Producer } from '@omnistream/kafka';
import type { Logger } from '@omnistream/logger';
import type { OutboundMessagesRepository } from '@omnistream/outbound';
import type { RegisterRoutes } from '../../shared/feature.ts';
import { createIdempotencyKeysRepository } from './idempotency-keys.repository.ts';
import { registerMessageRoutes } from './messages.routes.ts';
import { createMessageService } from './messages.service.ts';

/** How often expired Idempotency-Keys are deleted. */
const IDEMPOTENCY_PURGE_INTERVAL_MS = 15 * 60_000;

export interface Messages {
  routes: RegisterRoutes;
  /** Stops the expired-key purge. */
  stop(): void;
}

/** Sending through the admin API, wired; the purge of expired Idempotency-Keys starts at once. */
export function startMessages(deps: {
  pool: Pool;
  integrations: Pick<IntegrationsRepository, 'get'>;
  outbound: Pick<OutboundMessagesRepository, 'claim' | 'get'>;
  producer: Pick<Producer, 'send'>;
  /** The outbound (send command) topic. */
  topic: string;
  idempotencyTtlHours: number;
  logger: Logger;
}): Messages {
  const { logger } = deps;
  const idempotency = createIdempotencyKeysRepository({ pool: deps.pool });
  // Expired keys are replaced when reused; this keeps the never-reused ones from piling up.
  const purgeTimer = setInterval(() => {
    idempotency
      .purgeExpired()
      .then((deleted) => {
        if (deleted > 0) logger.info({ deleted }, 'expired idempotency keys deleted');
      })
      .catch((err: unknown) => logger.warn({ err }, 'could not delete expired idempotency keys'));
  }, IDEMPOTENCY_PURGE_INTERVAL_MS);
  purgeTimer.unref();
  const messages = createMessageService({
    integrations: deps.integrations,
    outbound: deps.outbound,
    idempotency,
    producer: deps.producer,
    topic: deps.topic,
    idempotencyTtlHours: deps.idempotencyTtlHours,
    logger,
  });
  return {
    routes: (app) => registerMessageRoutes(app, { messages }),
    stop: () => clearInterval(purgeTimer),
  };
}
