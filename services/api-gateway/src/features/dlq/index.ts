import type { Pool } from '@omnistream/db';
import type { Producer, RunConsumerOptions } from '@omnistream/kafka';
import type { Logger } from '@omnistream/logger';
import type { OutboundMessagesRepository } from '@omnistream/outbound';
import type { BackgroundConsumer } from '../../shared/background-consumers.ts';
import type { RegisterRoutes } from '../../shared/feature.ts';
import type { GatewayMetrics } from '../../shared/gateway-metrics.ts';
import { createDeadLettersRepository } from './dead-letters.repository.ts';
import { registerDlqRoutes } from './dlq.routes.ts';
import { startDlqMirror } from './dlq-mirror.consumer.ts';
import { createDlqReplayer } from './dlq-replayer.ts';

export interface Dlq {
  routes: RegisterRoutes;
  /** The mirror of the DLQ topic into dead_letters; resolves once its group has formed. */
  mirror: Promise<BackgroundConsumer>;
}

/** Dead letters: the DLQ mirror consumer (started at once) and the list / replay routes. */
export function startDlq(deps: {
  pool: Pool;
  kafka: RunConsumerOptions['kafka'];
  groupId: string;
  /** The DLQ topic, mirrored. */
  dlqTopic: string;
  /** The outbound (send command) topic, replayed to. */
  outboundTopic: string;
  outbound: Pick<OutboundMessagesRepository, 'requeueFailed' | 'markFailed'>;
  producer: Pick<Producer, 'send'>;
  logger: Logger;
  metrics: GatewayMetrics;
}): Dlq {
  const deadLetters = createDeadLettersRepository({ pool: deps.pool });
  const dlqReplayer = createDlqReplayer({
    deadLetters,
    outbound: deps.outbound,
    producer: deps.producer,
    topic: deps.outboundTopic,
    logger: deps.logger,
  });
  return {
    routes: (app) => registerDlqRoutes(app, { deadLetters, dlqReplayer, metrics: deps.metrics }),
    mirror: startDlqMirror({
      kafka: deps.kafka,
      logger: deps.logger,
      groupId: deps.groupId,
      topic: deps.dlqTopic,
      repository: deadLetters,
    }),
  };
}
