-- Inbound events Kafka will not take for a reason that retrying does not cure (a record above the
-- topic's max.message.bytes or INBOUND_EVENT_MAX_BYTES, an invalid record, another non-retriable
-- broker error). They leave the spool's relay order so that later events keep flowing; the webhook
-- was answered 200 because the row here is durable (docs/services.md, "Event size and quarantine").
-- An admin lists, retries (back into inbound_spool) or drops them through the api-gateway.
CREATE TABLE inbound_spool_quarantine (
  id               bigserial PRIMARY KEY,
  event_id         text NOT NULL UNIQUE,
  topic            text NOT NULL,
  key              text NOT NULL,
  value            text NOT NULL,
  headers          jsonb NOT NULL DEFAULT '{}',
  -- octet_length(value), kept so a listing never reads the (possibly megabytes large) value.
  value_bytes      integer NOT NULL,
  reason           text NOT NULL CHECK (reason IN ('too_large', 'invalid_record', 'non_retriable')),
  -- Kafka's error type (MESSAGE_TOO_LARGE, INVALID_RECORD, ...) or EVENT_TOO_LARGE for our own limit.
  error_code       text NOT NULL,
  error_message    text NOT NULL,
  -- Refused publish attempts: 1, plus one per admin retry that was refused again.
  attempts         integer NOT NULL DEFAULT 1,
  -- When the webhook carrying the event was accepted (spooled, or refused on its direct publish).
  accepted_at      timestamptz NOT NULL,
  first_attempt_at timestamptz NOT NULL,
  last_attempt_at  timestamptz NOT NULL,
  -- The retention purge (RETENTION_QUARANTINE_DAYS) deletes by this column.
  quarantined_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX inbound_spool_quarantine_quarantined_at ON inbound_spool_quarantine (quarantined_at);

-- A quarantined event an admin sent back to the spool keeps its history, so a second refusal adds
-- to its attempts instead of starting over. Zero and NULL for every other spooled event.
ALTER TABLE inbound_spool ADD COLUMN refused_attempts integer NOT NULL DEFAULT 0;
ALTER TABLE inbound_spool ADD COLUMN first_refused_at timestamptz;
