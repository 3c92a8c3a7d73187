import type { EncryptedToken } from '@omnistream/integrations';
import type { DisabledReason, FeatureState, InstalledFeatureInput } from './fbe-features.ts';

// An FBE installation as stored (migration 005) and as the rest of the gateway sees it.

export type FbeInstallationStatus = 'installed' | 'uninstalled';

/** What an install webhook or Meta's fbe_installs answer says about a business (docs/meta-platform.md, "Business setup facts"). */
export interface FbeInstallState {
  businessManagerId?: string | undefined;
  pages: readonly string[];
  instagramProfiles: readonly string[];
  pixelId?: string | undefined;
  catalogId?: string | undefined;
  adAccountId?: string | undefined;
  commerceMerchantSettingsId?: string | undefined;
  onsiteEligible?: boolean | undefined;
  flow?: string | undefined;
  tokenType?: string | undefined;
  installedFeatures: readonly InstalledFeatureInput[];
}

/** A token ready to store: encrypted under the current key, with its last four characters. */
export interface StoredToken extends EncryptedToken {
  last4: string;
}

export type FbeChange =
  | { kind: 'install'; state: FbeInstallState; token?: StoredToken | undefined }
  | { kind: 'uninstall'; state?: Partial<FbeInstallState> | undefined };

export interface ApplyFbeChangeInput {
  externalBusinessId: string;
  change: FbeChange;
  /** Meta's time of the event (webhook `entry.time`), or the reconciliation time. */
  at: Date;
  /** The inbound event id, for webhooks; null for a reconciliation. */
  eventId: string | null;
  source: 'webhook' | 'reconcile';
}

export type ApplyOutcome = 'applied' | 'stale' | 'duplicate';

export interface FbeInstallation {
  externalBusinessId: string;
  businessManagerId: string | null;
  status: FbeInstallationStatus;
  pages: string[];
  instagramProfiles: string[];
  pixelId: string | null;
  catalogId: string | null;
  adAccountId: string | null;
  commerceMerchantSettingsId: string | null;
  onsiteEligible: boolean | null;
  flow: string | null;
  /** The webhook's token: never the token itself. */
  token: { last4: string; type: string | null } | null;
  systemUserToken: {
    last4: string;
    type: string | null;
    scopes: string[];
    expiresAt: Date | null;
    checkedAt: Date | null;
    obtainedAt: Date | null;
  } | null;
  features: FeatureState[];
  installedAt: Date | null;
  uninstalledAt: Date | null;
  lastEventAt: Date;
  reconciledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SystemUserTokenInput {
  token: string;
  type: string;
  scopes: readonly string[];
  expiresAt: Date | null;
  checkedAt: Date | null;
  obtainedAt: Date;
}

export interface InstallationRow {
  external_business_id: string;
  business_manager_id: string | null;
  status: FbeInstallationStatus;
  pages: string[];
  instagram_profiles: string[];
  pixel_id: string | null;
  catalog_id: string | null;
  ad_account_id: string | null;
  commerce_merchant_settings_id: string | null;
  onsite_eligible: boolean | null;
  flow: string | null;
  token_ciphertext: string | null;
  token_key_id: string | null;
  token_last4: string | null;
  token_type: string | null;
  system_user_token_ciphertext: string | null;
  system_user_token_key_id: string | null;
  system_user_token_last4: string | null;
  system_user_token_type: string | null;
  system_user_token_scopes: string[] | null;
  system_user_token_expires_at: Date | null;
  system_user_token_checked_at: Date | null;
  system_user_token_obtained_at: Date | null;
  installed_at: Date | null;
  uninstalled_at: Date | null;
  last_event_at: Date;
  last_event_id: string | null;
  reconciled_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface FeatureRow {
  external_business_id: string;
  feature_instance_id: string;
  feature_type: string;
  feature_name: string | null;
  connected_assets: Record<string, string>;
  additional_info: unknown;
  enabled: boolean;
  disabled_reason: DisabledReason | null;
  missing_assets: string[];
}

export const toFeature = (r: FeatureRow): FeatureState => ({
  featureInstanceId: r.feature_instance_id,
  featureType: r.feature_type,
  featureName: r.feature_name ?? undefined,
  connectedAssets: r.connected_assets,
  additionalInfo: r.additional_info ?? undefined,
  enabled: r.enabled,
  disabledReason: r.disabled_reason,
  missingAssets: r.missing_assets,
});

export function toInstallation(r: InstallationRow, features: FeatureState[]): FbeInstallation {
  return {
    externalBusinessId: r.external_business_id,
    businessManagerId: r.business_manager_id,
    status: r.status,
    pages: r.pages,
    instagramProfiles: r.instagram_profiles,
    pixelId: r.pixel_id,
    catalogId: r.catalog_id,
    adAccountId: r.ad_account_id,
    commerceMerchantSettingsId: r.commerce_merchant_settings_id,
    onsiteEligible: r.onsite_eligible,
    flow: r.flow,
    token: r.token_last4 === null ? null : { last4: r.token_last4, type: r.token_type },
    systemUserToken:
      r.system_user_token_last4 === null
        ? null
        : {
            last4: r.system_user_token_last4,
            type: r.system_user_token_type,
            scopes: r.system_user_token_scopes ?? [],
            expiresAt: r.system_user_token_expires_at,
            checkedAt: r.system_user_token_checked_at,
            obtainedAt: r.system_user_token_obtained_at,
          },
    features,
    installedAt: r.installed_at,
    uninstalledAt: r.uninstalled_at,
    lastEventAt: r.last_event_at,
    reconciledAt: r.reconciled_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
