/**
 * Which FBE features the gateway runs for a business, from the assets it was granted.
 *
 * The rule (docs/meta-platform.md, "Business setup facts"): on an install or a change, enable the set of
 * features the granted assets allow; when a required asset of one feature is missing, disable only
 * that feature ("si a tu app se le otorgó acceso a un catálogo, pero no a un píxel, solo se debe
 * implementar la función que usa el catálogo"); on uninstall, disable them all.
 */

/** Asset names as they appear in `installed_features[].connected_assets` (the FBE install webhook's field table). */
export type FbeAssetName =
  | 'business_manager_id'
  | 'page_id'
  | 'ig_profile_id'
  | 'pixel_id'
  | 'catalog_id'
  | 'ad_account_id'
  | 'commerce_merchant_settings_id';

/**
 * feature_type → the assets it cannot work without. The one place this table lives.
 *
 * Sources: docs/meta-platform.md for `catalog` / `pixel` (its own example), the asset names and what each asset is
 * for (ad account: ads with ads_management; Page and Instagram profile ids for Page / Instagram
 * integrations); feature names from the FBE "Configure Business Features" guide
 * (developers.facebook.com/docs/facebook-business-extension/fbe/guides/business-configurations):
 * Page and Instagram calls to action, Messenger chat and menu, Page posts and cards, thread intent,
 * shops. Which asset each of those needs is inferred from what it acts on (a Page feature needs the
 * Page) — Meta publishes no such table. A feature_type not listed here is recorded but not run
 * (`unsupported_feature`): the FBE notes say to track only the features the app implements.
 */
export const FEATURE_REQUIRED_ASSETS: Readonly<Record<string, readonly FbeAssetName[]>> = {
  catalog: ['catalog_id'],
  pixel: ['pixel_id'],
  ads: ['ad_account_id'],
  page_cta: ['page_id'],
  page_ctas: ['page_id'],
  page_card: ['page_id'],
  page_post: ['page_id'],
  messenger_chat: ['page_id'],
  messenger_menu: ['page_id'],
  thread_intent: ['page_id'],
  ig_cta: ['ig_profile_id'],
  ig_ctas: ['ig_profile_id'],
  fb_shop: ['page_id', 'catalog_id'],
  ig_shopping: ['ig_profile_id', 'catalog_id'],
};

/** The assets an install granted the app (the webhook's / fbe_installs' top-level fields). */
export interface GrantedAssets {
  businessManagerId?: string | null | undefined;
  pages: readonly string[];
  instagramProfiles: readonly string[];
  pixelId?: string | null | undefined;
  catalogId?: string | null | undefined;
  adAccountId?: string | null | undefined;
  commerceMerchantSettingsId?: string | null | undefined;
}

export interface InstalledFeatureInput {
  featureInstanceId: string;
  featureType: string;
  featureName?: string | undefined;
  connectedAssets: Readonly<Record<string, string>>;
  additionalInfo?: unknown;
}

export type DisabledReason = 'missing_assets' | 'unsupported_feature' | 'feature_removed' | 'uninstalled';

export interface FeatureState extends InstalledFeatureInput {
  enabled: boolean;
  disabledReason: DisabledReason | null;
  /** Required assets not granted (only with `missing_assets`). */
  missingAssets: string[];
}

function isGranted(asset: FbeAssetName, id: string, granted: GrantedAssets): boolean {
  switch (asset) {
    case 'page_id':
      return granted.pages.includes(id);
    case 'ig_profile_id':
      return granted.instagramProfiles.includes(id);
    case 'pixel_id':
      return granted.pixelId === id;
    case 'catalog_id':
      return granted.catalogId === id;
    case 'ad_account_id':
      return granted.adAccountId === id;
    case 'business_manager_id':
      return granted.businessManagerId === id;
    case 'commerce_merchant_settings_id':
      return granted.commerceMerchantSettingsId === id;
  }
}

/**
 * One feature's state: enabled when every required asset is connected to the feature *and* granted by
 * the install (an asset the user took back disables the features that used it).
 */
export function evaluateFeature(feature: InstalledFeatureInput, granted: GrantedAssets): FeatureState {
  const required = Object.hasOwn(FEATURE_REQUIRED_ASSETS, feature.featureType)
    ? FEATURE_REQUIRED_ASSETS[feature.featureType]
    : undefined;
  if (required === undefined) {
    return { ...feature, enabled: false, disabledReason: 'unsupported_feature', missingAssets: [] };
  }
  const missingAssets = required.filter((asset) => {
    const id = feature.connectedAssets[asset];
    return id === undefined || id === '' || !isGranted(asset, id, granted);
  });
  return missingAssets.length === 0
    ? { ...feature, enabled: true, disabledReason: null, missingAssets: [] }
    : { ...feature, enabled: false, disabledReason: 'missing_assets', missingAssets };
}

/**
 * The features after an install or a change: every listed feature evaluated, and every feature known
 * before but no longer listed kept, disabled as `feature_removed`.
 */
export function planInstalledFeatures(
  listed: readonly InstalledFeatureInput[],
  granted: GrantedAssets,
  previous: readonly FeatureState[],
): FeatureState[] {
  const plan = new Map<string, FeatureState>();
  for (const feature of listed) plan.set(feature.featureInstanceId, evaluateFeature(feature, granted));
  for (const old of previous) {
    if (plan.has(old.featureInstanceId)) continue;
    plan.set(old.featureInstanceId, {
      ...old,
      enabled: false,
      disabledReason: 'feature_removed',
      missingAssets: [],
    });
  }
  return [...plan.values()];
}

/** Uninstall: every feature known (and any the event still lists) disabled. */
export function planUninstalledFeatures(
  listed: readonly InstalledFeatureInput[],
  previous: readonly FeatureState[],
): FeatureState[] {
  const plan = new Map<string, FeatureState>();
  for (const feature of [...previous, ...listed]) {
    plan.set(feature.featureInstanceId, {
      featureInstanceId: feature.featureInstanceId,
      featureType: feature.featureType,
      featureName: feature.featureName,
      connectedAssets: feature.connectedAssets,
      additionalInfo: feature.additionalInfo,
      enabled: false,
      disabledReason: 'uninstalled',
      missingAssets: [],
    });
  }
  return [...plan.values()];
}
