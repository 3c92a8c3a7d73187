-- Who is sending a command, so that a redelivered command still marked "sending" can be told apart:
-- held by a live sender (wait for its outcome, never send it a second time) or left by one that
-- died (in doubt: sent again, or dead-lettered with SENDER_IN_DOUBT=hold). docs/services.md,
-- "In-doubt sends".

-- Set when a sender claims the command and before each Graph call. Not indexed: status updates of
-- outbound_messages stay HOT.
ALTER TABLE outbound_messages ADD COLUMN claimed_by text, ADD COLUMN claimed_at timestamptz;

-- One row per running sender process, renewed while it runs and deleted when it stops: a sender
-- whose lease ran out (SIGKILL, a lost host) is dead as far as its claims go. Times are
-- PostgreSQL's own, so the senders' clocks do not matter.
CREATE TABLE sender_instances (
  instance_id text PRIMARY KEY,
  started_at  timestamptz NOT NULL DEFAULT now(),
  lease_until timestamptz NOT NULL
);
