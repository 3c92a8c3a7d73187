-- OAuth onboarding (Instagram Login, Facebook Login for Business): one row per authorization an
-- admin started. The `state` sent through Meta's dialog is 256 random bits; only its SHA-256 is
-- stored, so reading this table does not let anyone complete someone else's authorization.
-- A state is single-use: the callback consumes it with one conditional UPDATE (consumed_at IS NULL
-- AND expires_at > now()), so two callbacks racing with the same state cannot both proceed.
CREATE TABLE oauth_states (
  state_hash   bytea PRIMARY KEY,
  provider     text NOT NULL CHECK (provider IN ('instagram', 'messenger')),
  -- The admin key that started the flow: a key revoked meanwhile cannot finish it.
  admin_key_id uuid NOT NULL REFERENCES admin_api_keys (id) ON DELETE CASCADE,
  -- Meta compares the exchange's redirect_uri byte for byte with the dialog's: kept as sent.
  redirect_uri text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  consumed_at  timestamptz
);

-- Old rows are deleted a day after they expired (late callbacks still get "expired", not "unknown").
CREATE INDEX oauth_states_expires_at ON oauth_states (expires_at);
