-- Admin REST (services/api-gateway): keys, connection state of integrations, idempotent sends,
-- WhatsApp templates and the outbound dead letters an admin can list and replay.

-- Admin API keys are stored only as SHA-256 of the key: keys are 256 random bits, so a fast hash is
-- enough (no dictionary to guard against), and lookups stay one index probe. key_prefix is the
-- first characters of the key, shown so an admin can tell keys apart without the secret.
CREATE TABLE admin_api_keys (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name         text NOT NULL,
  key_hash     bytea NOT NULL UNIQUE,
  key_prefix   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);

-- Whether Meta accepted the integration's token the last time it was checked (seed 002: an
-- integration is Pending until a Graph call with its token succeeds, then Connected).
ALTER TABLE integrations
  ADD COLUMN connection_status text NOT NULL DEFAULT 'pending'
    CHECK (connection_status IN ('pending', 'connected', 'error')),
  ADD COLUMN connection_error jsonb,
  ADD COLUMN verified_at timestamptz;

-- Idempotency-Key of POST /admin/messages: a retried request gets the first request's commandId.
-- request_hash tells a retry from a different request that reused the key.
CREATE TABLE idempotency_keys (
  scope        text NOT NULL,
  key          text NOT NULL,
  request_hash text NOT NULL,
  command_id   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_expires_at ON idempotency_keys (expires_at);

-- WhatsApp message templates per WABA, kept in sync from Meta (periodic sync, on demand, and the
-- ingestor's template_status events).
CREATE TABLE whatsapp_templates (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  integration_id  uuid NOT NULL REFERENCES integrations (id),
  waba_id         text NOT NULL,
  template_id     text NOT NULL,
  name            text NOT NULL,
  language        text NOT NULL,
  category        text,
  status          text NOT NULL,
  quality_score   text,
  rejected_reason text,
  components      jsonb NOT NULL DEFAULT '[]'::jsonb,
  synced_at       timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (waba_id, template_id)
);
CREATE INDEX whatsapp_templates_integration ON whatsapp_templates (integration_id, name, language);

-- The outbound DLQ topic, mirrored so admins can filter and replay. The topic stays the source of
-- truth; (topic, partition, kafka_offset) makes the mirror idempotent under redelivery.
CREATE TABLE dead_letters (
  id              bigserial PRIMARY KEY,
  topic           text NOT NULL,
  partition       integer NOT NULL,
  kafka_offset    bigint NOT NULL,
  command_id      text,
  integration_id  text,
  channel         text,
  reason          text NOT NULL,
  error_code      text,
  error_message   text,
  attempts        integer NOT NULL DEFAULT 0,
  record          jsonb NOT NULL,
  dead_lettered_at timestamptz NOT NULL,
  received_at     timestamptz NOT NULL DEFAULT now(),
  replayed_at     timestamptz,
  replay_count    integer NOT NULL DEFAULT 0,
  UNIQUE (topic, partition, kafka_offset)
);
CREATE INDEX dead_letters_integration ON dead_letters (integration_id, id);
CREATE INDEX dead_letters_error_code ON dead_letters (error_code, id);
