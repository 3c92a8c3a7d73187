import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface SenderMetrics {
  sends: Counter<'channel' | 'outcome'>;
  retries: Counter<'channel' | 'category'>;
  throttles: Counter<'channel' | 'scope'>;
  deadLetters: Counter<'reason'>;
  graphLatency: Histogram<'channel'>;
  consumerLag: Gauge<'partition'>;
  buffered: Gauge;
  activeConversations: Gauge;
  statusUpdates: Counter<'outcome'>;
}

export function createSenderMetrics(registry: Registry): SenderMetrics {
  const registers = [registry];
  return {
    sends: new Counter({
      name: 'omnistream_sender_sends_total',
      help: 'Send commands finished, by channel and outcome (sent, failed, duplicate_skipped, in_doubt)',
      labelNames: ['channel', 'outcome'],
      registers,
    }),
    retries: new Counter({
      name: 'omnistream_sender_retries_total',
      help: 'Graph calls repeated after a retryable error, by channel and error category (permanent failures and last attempts are not counted)',
      labelNames: ['channel', 'category'],
      registers,
    }),
    throttles: new Counter({
      name: 'omnistream_sender_throttles_total',
      help: 'Throttling answers from Meta, by scope (account or recipient)',
      labelNames: ['channel', 'scope'],
      registers,
    }),
    deadLetters: new Counter({
      name: 'omnistream_sender_dead_letters_total',
      help: 'Commands sent to the DLQ, by reason',
      labelNames: ['reason'],
      registers,
    }),
    graphLatency: new Histogram({
      name: 'omnistream_sender_graph_request_duration_seconds',
      help: 'Graph API send latency',
      labelNames: ['channel'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    consumerLag: new Gauge({
      name: 'omnistream_sender_consumer_lag',
      help: 'Commands on the outbound topic not yet fetched, per partition',
      labelNames: ['partition'],
      registers,
    }),
    buffered: new Gauge({
      name: 'omnistream_sender_buffered_commands',
      help: 'Commands fetched and not finished',
      registers,
    }),
    activeConversations: new Gauge({
      name: 'omnistream_sender_active_conversations',
      help: 'Conversations with a send in progress (capped by MAX_CONCURRENT_CHATS)',
      registers,
    }),
    statusUpdates: new Counter({
      name: 'omnistream_sender_status_updates_total',
      help: 'Inbound status events applied to outbound_messages, by outcome (applied, stale, unknown, ignored, preference, invalid, unparseable)',
      labelNames: ['outcome'],
      registers,
    }),
  };
}
