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
-- request_hash tells a retry from a different request that reused the key. The row is written
-- before the command is published and published_at after: a retry that finds it still NULL (the
-- publish failed, or the process died) publishes the same command_id again instead of answering
-- with a command that may never have reached Kafka.
CREATE TABLE idempotency_keys (
  scope        text NOT NULL,
  key          text NOT NULL,
  request_hash text NOT NULL,
  command_id   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  published_at timestamptz,
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_expires_at ON idempotency_keys (expires_at);

-- WhatsApp message templates per WABA, kept in sync from Meta (periodic sync, on demand, and the
-- ingestor's template_status events). Templates belong to the WABA, not to a number: every
-- integration of a WABA lists the same rows. integration_id is the integration whose token last
-- wrote the row. A template Meta no longer lists is deleted at the next sync (the table mirrors Meta).
-- *_event_at: Meta's time of the last webhook applied to that field. Meta does not guarantee the
-- order of webhooks, so an older one arriving late is ignored instead of undoing a newer one.
CREATE TABLE whatsapp_templates (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  integration_id    uuid NOT NULL REFERENCES integrations (id),
  waba_id           text NOT NULL,
  template_id       text NOT NULL,
  name              text NOT NULL,
  language          text NOT NULL,
  category          text,
  status            text NOT NULL,
  quality_score     text,
  rejected_reason   text,
  parameter_format  text,
  components        jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- The last status webhook's event verbatim (FLAGGED, LOCKED, … say something without changing status).
  last_status_event text,
  status_event_at   timestamptz,
  quality_event_at  timestamptz,
  category_event_at timestamptz,
  synced_at         timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (waba_id, template_id)
);
CREATE INDEX whatsapp_templates_listing ON whatsapp_templates (waba_id, name, language, template_id);

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
