-- Facebook Business Extension installs (seed 001) and the identity links of ID matching (seed 003).

-- One row per business that installed FBE, keyed by the partner's fbe_external_business_id. Rows are
-- never deleted: an uninstall marks the row and disables its features. last_event_at is the Meta
-- time of the newest event (or reconciliation) applied; an older event arriving later is ignored, so
-- a redelivered install cannot undo an uninstall. Tokens are stored only encrypted (AES-256-GCM, the
-- integrations format) with their last four characters for display.
CREATE TABLE fbe_installations (
  external_business_id          text PRIMARY KEY,
  business_manager_id           text,
  status                        text NOT NULL CHECK (status IN ('installed', 'uninstalled')),
  pages                         text[] NOT NULL DEFAULT '{}',
  instagram_profiles            text[] NOT NULL DEFAULT '{}',
  pixel_id                      text,
  catalog_id                    text,
  ad_account_id                 text,
  commerce_merchant_settings_id text,
  onsite_eligible               boolean,
  flow                          text,
  -- The token delivered with the install webhook, and Meta's token_type for it (user or system user).
  token_ciphertext              text,
  token_key_id                  text,
  token_last4                   text,
  token_type                    text,
  -- The client business's system-user token (POST /{business_manager_id}/access_token). checked_at
  -- says whether debug_token was asked: expires_at NULL then means it never expires.
  system_user_token_ciphertext  text,
  system_user_token_key_id      text,
  system_user_token_last4       text,
  system_user_token_type        text,
  system_user_token_scopes      text[],
  system_user_token_expires_at  timestamptz,
  system_user_token_checked_at  timestamptz,
  system_user_token_obtained_at timestamptz,
  installed_at                  timestamptz,
  uninstalled_at                timestamptz,
  last_event_at                 timestamptz NOT NULL,
  last_event_id                 text,
  reconciled_at                 timestamptz,
  created_at                    timestamptz NOT NULL DEFAULT now(),
  updated_at                    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT fbe_installations_token_whole CHECK (
    (token_ciphertext IS NULL) = (token_key_id IS NULL) AND (token_ciphertext IS NULL) = (token_last4 IS NULL)
  ),
  CONSTRAINT fbe_installations_system_user_token_whole CHECK (
    (system_user_token_ciphertext IS NULL) = (system_user_token_key_id IS NULL) AND
    (system_user_token_ciphertext IS NULL) = (system_user_token_last4 IS NULL)
  )
);
CREATE INDEX fbe_installations_business_manager ON fbe_installations (business_manager_id);

-- installed_features[] of the newest install event, one row per feature instance, with whether the
-- gateway runs it for this business. Seed 001: enable the features whose required assets were
-- granted, disable only those missing one, disable all on uninstall. A feature Meta stops listing
-- stays as a disabled row (feature_removed) so admins can see what changed.
CREATE TABLE fbe_installed_features (
  external_business_id text NOT NULL REFERENCES fbe_installations (external_business_id),
  feature_instance_id  text NOT NULL,
  feature_type         text NOT NULL,
  feature_name         text,
  connected_assets     jsonb NOT NULL DEFAULT '{}'::jsonb,
  additional_info      jsonb,
  enabled              boolean NOT NULL,
  disabled_reason      text
                         CHECK (disabled_reason IN ('missing_assets', 'unsupported_feature', 'feature_removed', 'uninstalled')),
  -- Required assets that were not granted (disabled_reason = missing_assets).
  missing_assets       text[] NOT NULL DEFAULT '{}',
  updated_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (external_business_id, feature_instance_id),
  CONSTRAINT fbe_installed_features_reason CHECK (enabled = (disabled_reason IS NULL))
);

-- ID matching (ids_for_apps / ids_for_pages): one person's id in each app and on each Page of the
-- business, as Meta last answered for a contact of an integration. A refresh replaces the contact's
-- links with Meta's answer. The (scope, scope_id, scoped_id) index finds the contact behind an
-- app-scoped or page-scoped id.
CREATE TABLE contact_identities (
  integration_id  uuid NOT NULL REFERENCES integrations (id),
  contact_id      text NOT NULL,
  scope           text NOT NULL CHECK (scope IN ('app', 'page')),
  scope_id        text NOT NULL,
  scope_name      text,
  scoped_id       text NOT NULL,
  first_linked_at timestamptz NOT NULL DEFAULT now(),
  refreshed_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (integration_id, contact_id, scope, scope_id)
);
CREATE INDEX contact_identities_scoped_id ON contact_identities (scope, scope_id, scoped_id);
