-- One row per send command: the sender's idempotency record and the status history admins see.
-- status moves forward only: queued < sending < sent < delivered < read; failed is terminal and
-- may follow any non-terminal state (a delivery failure can arrive after "sent").
CREATE TABLE outbound_messages (
  command_id      text PRIMARY KEY,
  integration_id  text NOT NULL,
  channel         text NOT NULL CHECK (channel IN ('whatsapp', 'instagram', 'messenger')),
  recipient       text NOT NULL,
  message_type    text NOT NULL,
  status          text NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'read', 'failed')),
  meta_message_id text,
  attempts        integer NOT NULL DEFAULT 0,
  last_error      jsonb,
  -- Every status change with its time, oldest first: [{status, at, error?}].
  history         jsonb NOT NULL DEFAULT '[]',
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz,
  delivered_at    timestamptz,
  read_at         timestamptz,
  failed_at       timestamptz
);

-- Status webhooks name the Meta message id (wamid / mid), not the command.
CREATE UNIQUE INDEX outbound_messages_meta_message_id ON outbound_messages (meta_message_id)
  WHERE meta_message_id IS NOT NULL;

CREATE INDEX outbound_messages_integration_recipient ON outbound_messages (integration_id, recipient, created_at);

-- Rank of a status for forward-only updates; failed outranks everything so it stays terminal.
CREATE FUNCTION outbound_status_rank(status text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE status
    WHEN 'queued' THEN 0 WHEN 'sending' THEN 1 WHEN 'sent' THEN 2
    WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 WHEN 'failed' THEN 5
  END
$$;
