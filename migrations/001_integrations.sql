-- Channel connections: one row per connected WhatsApp number, Messenger Page or Instagram account.
-- Tokens are stored only encrypted (AES-256-GCM, see packages/integrations/src/token-cipher.ts);
-- token_last4 is what admin routes show.
CREATE TABLE integrations (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  channel             text NOT NULL CHECK (channel IN ('whatsapp', 'instagram', 'messenger')),
  name                text,
  phone_number_id     text,
  waba_id             text,
  page_id             text,
  ig_user_id          text,
  business_manager_id text,
  token_ciphertext    text NOT NULL,
  token_key_id        text NOT NULL,
  token_last4         text NOT NULL,
  token_type          text NOT NULL DEFAULT 'system_user'
                        CHECK (token_type IN ('system_user', 'page', 'user', 'instagram_user', 'business_integration')),
  token_expires_at    timestamptz,
  status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  needs_reauth        boolean NOT NULL DEFAULT false,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  rotated_at          timestamptz,
  -- The account id that routes a channel's webhooks and sends must be present for that channel.
  CONSTRAINT integrations_account_id_present CHECK (
    (channel = 'whatsapp' AND phone_number_id IS NOT NULL) OR
    (channel = 'messenger' AND page_id IS NOT NULL) OR
    (channel = 'instagram' AND ig_user_id IS NOT NULL)
  )
);

-- The account id of the row's channel, in one expression so the uniqueness rule below and the
-- repository's lookups agree on it.
CREATE FUNCTION integration_account_id(channel text, phone_number_id text, page_id text, ig_user_id text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE channel
    WHEN 'whatsapp' THEN phone_number_id
    WHEN 'messenger' THEN page_id
    WHEN 'instagram' THEN ig_user_id
  END
$$;

-- At most one active row per channel and account: a second "connect" of the same number is an
-- update, and disabled history rows may pile up without blocking a reconnect.
CREATE UNIQUE INDEX integrations_one_active_per_account
  ON integrations (channel, integration_account_id(channel, phone_number_id, page_id, ig_user_id))
  WHERE status = 'active';

-- TokenProvider polls by updated_at; keep that scan cheap.
CREATE INDEX integrations_updated_at ON integrations (updated_at);
