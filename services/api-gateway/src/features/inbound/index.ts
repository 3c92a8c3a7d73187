import type { BackgroundConsumer } from '../../shared/background-consumers.ts';
import { type InboundEventsConsumerOptions, startInboundEventsConsumer } from './inbound-events.consumer.ts';

export type { InboundEventHandlers } from './inbound-events.consumer.ts';

/**
 * The inbound-events consumer: hands each event kind to the feature that handles it (templates,
 * fbe, conversations). It has no routes; it resolves once its group has formed.
 */
export function startInbound(options: InboundEventsConsumerOptions): Promise<BackgroundConsumer> {
  return startInboundEventsConsumer(options);
}
