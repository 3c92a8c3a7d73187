-- Sessions of the browser console (docs/console.md): an admin key is exchanged once for a random
-- session token kept in an HttpOnly cookie, so the key itself never stays in the browser. Only the
-- token's SHA-256 is stored (256 random bits: a fast hash is enough). A session ends at expires_at,
-- at sign-out (revoked_at), and as soon as its admin key is revoked (checked on every request by
-- joining admin_api_keys; the foreign key removes the sessions of a deleted key).
CREATE TABLE console_sessions (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash    bytea NOT NULL UNIQUE,
  -- The synchronizer token every state-changing call of the session must send in X-CSRF-Token.
  csrf_token    text NOT NULL,
  admin_key_id  uuid NOT NULL REFERENCES admin_api_keys (id) ON DELETE CASCADE,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  revoked_at    timestamptz
);

-- The purge at sign-in deletes long-expired sessions.
CREATE INDEX console_sessions_expires_at ON console_sessions (expires_at);
CREATE INDEX console_sessions_admin_key ON console_sessions (admin_key_id);
