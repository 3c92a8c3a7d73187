-- Webhook events accepted while Kafka did not acknowledge in time. The ingestor answers Meta 200
-- once a row is here; the relay drains rows to Kafka in id order and deletes only what the broker
-- acknowledged. event_id is unique so a Meta redelivery during an outage is stored once.
CREATE TABLE inbound_spool (
  id         bigserial PRIMARY KEY,
  event_id   text NOT NULL UNIQUE,
  topic      text NOT NULL,
  key        text NOT NULL,
  value      text NOT NULL,
  headers    jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
