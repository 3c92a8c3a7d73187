-- WhatsApp's 2026 platform (docs/services.md, "Events").

-- `played`: the customer played a voice message. It comes after `read` (a voice note is read, then
-- played), so it ranks between read and failed; failed stays terminal.
ALTER TABLE outbound_messages DROP CONSTRAINT outbound_messages_status_check;
ALTER TABLE outbound_messages ADD CONSTRAINT outbound_messages_status_check
  CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'read', 'played', 'failed'));
ALTER TABLE outbound_messages ADD COLUMN played_at timestamptz;

CREATE OR REPLACE FUNCTION outbound_status_rank(status text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE status
    WHEN 'queued' THEN 0 WHEN 'sending' THEN 1 WHEN 'sent' THEN 2
    WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 WHEN 'played' THEN 5 WHEN 'failed' THEN 6
  END
$$;

-- Marketing-message preferences (`user_preferences` webhooks): one row per integration and customer
-- identifier. A customer known by both a phone number and a BSUID has two rows, written together,
-- so a send addressed by either finds the preference. The message-sender refuses a MARKETING template
-- while opted_out is true.
CREATE TABLE marketing_preferences (
  integration_id text NOT NULL,
  -- wa_id (digits) or BSUID, exactly as Meta sent it.
  contact_id     text NOT NULL,
  opted_out      boolean NOT NULL,
  -- Meta's category (`marketing_messages`).
  category       text NOT NULL,
  -- Meta's timestamp of the change: a stop and a resume delivered out of order apply in Meta's order.
  changed_at     timestamptz NOT NULL,
  -- The inbound event that set this row (deduplication and audit).
  event_id       text NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (integration_id, contact_id)
);
