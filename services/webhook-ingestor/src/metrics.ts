import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface IngestorMetrics {
  requests: Counter<'channel' | 'outcome'>;
  signatureFailures: Counter<'channel' | 'reason'>;
  events: Counter<'channel' | 'kind'>;
  unknownAccounts: Counter<'channel'>;
  publishDuration: Histogram<'destination'>;
  spoolDepth: Gauge;
  spooledEvents: Counter;
  relayedEvents: Counter;
  spoolOldestAge: Gauge;
  quarantinedEvents: Counter<'reason'>;
  quarantineDepth: Gauge;
  relayStuck: Gauge;
}

export function createIngestorMetrics(registry: Registry): IngestorMetrics {
  const registers = [registry];
  return {
    requests: new Counter({
      name: 'omnistream_webhook_requests_total',
      help: 'Webhook POSTs by channel and outcome (kafka, spool, quarantine, signature, invalid_json, object_mismatch, unavailable, ...)',
      labelNames: ['channel', 'outcome'],
      registers,
    }),
    signatureFailures: new Counter({
      name: 'omnistream_webhook_signature_failures_total',
      help: 'Webhook POSTs refused for a missing, malformed or wrong X-Hub-Signature-256',
      labelNames: ['channel', 'reason'],
      registers,
    }),
    events: new Counter({
      name: 'omnistream_inbound_events_total',
      help: 'Normalized inbound events accepted, by channel and kind',
      labelNames: ['channel', 'kind'],
      registers,
    }),
    unknownAccounts: new Counter({
      name: 'omnistream_inbound_unknown_account_events_total',
      help: 'Events whose account matches no integration (integrationId null)',
      labelNames: ['channel'],
      registers,
    }),
    publishDuration: new Histogram({
      name: 'omnistream_inbound_publish_duration_seconds',
      help: 'Time from normalized events to durable storage, by destination (kafka or spool)',
      labelNames: ['destination'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    spoolDepth: new Gauge({
      name: 'omnistream_inbound_spool_depth',
      help: 'Events waiting in the spool for Kafka',
      registers,
    }),
    spooledEvents: new Counter({
      name: 'omnistream_inbound_spooled_events_total',
      help: 'Events written to the spool',
      registers,
    }),
    relayedEvents: new Counter({
      name: 'omnistream_inbound_relayed_events_total',
      help: 'Spooled events the relay delivered to Kafka',
      registers,
    }),
    spoolOldestAge: new Gauge({
      name: 'omnistream_inbound_spool_oldest_age_seconds',
      help: 'Age of the oldest event waiting in the spool; 0 when it is empty',
      registers,
    }),
    quarantinedEvents: new Counter({
      name: 'omnistream_inbound_spool_quarantined_total',
      help: 'Events Kafka refused for good, moved to the quarantine, by reason (too_large, invalid_record, non_retriable)',
      labelNames: ['reason'],
      registers,
    }),
    quarantineDepth: new Gauge({
      name: 'omnistream_inbound_spool_quarantine_depth',
      help: 'Events in the quarantine (inbound_spool_quarantine), waiting for an admin',
      registers,
    }),
    relayStuck: new Gauge({
      name: 'omnistream_inbound_spool_relay_stuck',
      help: '1 while the spool holds events and its oldest has not moved for SPOOL_STUCK_AFTER_MS',
      registers,
    }),
  };
}
