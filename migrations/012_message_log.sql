-- The api-gateway's log of received messages (docs/admin-api.md, "Conversations"): one row per inbound
-- `message` and `echo` event of the inbound topic, for the conversation views of the admin API. The
-- business's own sends are not copied here: the read side takes them from outbound_messages.
CREATE TABLE message_log (
  -- The event's id: a redelivered event (Kafka at least once, Meta's retries) inserts nothing.
  event_id        text PRIMARY KEY,
  integration_id  text NOT NULL,
  channel         text NOT NULL,
  account_id      text NOT NULL,
  -- The conversation is the integration and the customer (wa_id or BSUID, PSID, IGSID).
  contact_id      text NOT NULL,
  -- in: the customer's message; out_echo: a message the business sent, echoed by Meta.
  direction       text NOT NULL CHECK (direction IN ('in', 'out_echo')),
  meta_message_id text NOT NULL,
  message_type    text NOT NULL,
  -- The text body or caption, at most 500 characters; null for types without text.
  preview         text,
  payload         jsonb NOT NULL,
  occurred_at     timestamptz NOT NULL,
  received_at     timestamptz NOT NULL
);

-- Conversations of an integration, newest first.
CREATE INDEX message_log_integration_occurred ON message_log (integration_id, occurred_at DESC);
-- Messages of a conversation, newest first (event_id: the list's tie-break).
CREATE INDEX message_log_conversation ON message_log (integration_id, contact_id, occurred_at DESC, event_id DESC);
-- The retention purge (MESSAGE_LOG_RETENTION_DAYS).
CREATE INDEX message_log_occurred_at ON message_log (occurred_at);
