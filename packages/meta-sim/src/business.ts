// FBE installs, their feature configuration, and ID matching (ids_for_apps / ids_for_pages).
// Shapes: fixtures/graph-responses.json `fbe_installs_get`, seed 001 (FBE docs); ID matching per the
// Messenger "ID Matching API" docs. Only the shapes are simulated; no business logic.

export interface FbeInstallInput {
  externalBusinessId: string;
  businessManagerId: string;
  pixelId?: string;
  pages?: string[];
  instagramProfiles?: string[];
  adAccountId?: string;
  catalogId?: string;
  commerceMerchantSettingsId?: string;
  installedFeatures?: unknown[];
  tokenType?: string;
}

export interface FbeInstall {
  business_manager_id: string;
  commerce_merchant_settings_id?: string;
  onsite_eligible: boolean;
  pixel_id?: string;
  profiles: string[];
  ad_account_id?: string;
  catalog_id?: string;
  pages: string[];
  instagram_profiles: string[];
  token_type: string;
  installed_features: unknown[];
}

export interface IdLink {
  /** Page-scoped id (Messenger PSID) and the page it belongs to. */
  psid: string;
  pageId: string;
  /** App-scoped user id and its app. */
  asid: string;
  appId: string;
}

export interface Business {
  addInstall(input: FbeInstallInput): FbeInstall;
  install(externalBusinessId: string): FbeInstall | undefined;
  removeInstall(externalBusinessId: string): boolean;
  byBusinessManager(
    businessManagerId: string,
  ): { externalBusinessId: string; install: FbeInstall } | undefined;
  configuration(externalBusinessId: string): unknown;
  setConfiguration(externalBusinessId: string, config: unknown): void;
  link(link: IdLink): void;
  linksByPsid(psid: string): IdLink[];
  linksByAsid(asid: string): IdLink[];
  /** `POST /{page-or-waba-id}/subscribed_apps` records the fields; GET lists them. */
  subscribe(accountId: string, fields: string[]): void;
  subscriptions(accountId: string): string[] | undefined;
  /** While on, ids_for_apps / ids_for_pages answer "(#200) … under review". */
  idMatchingUnderReview: boolean;
  clear(): void;
}

export function createBusiness(): Business {
  const installs = new Map<string, FbeInstall>();
  const configs = new Map<string, unknown>();
  let links: IdLink[] = [];
  const subscribed = new Map<string, string[]>();

  const business: Business = {
    idMatchingUnderReview: false,
    addInstall(input) {
      const install: FbeInstall = {
        business_manager_id: input.businessManagerId,
        onsite_eligible: false,
        profiles: [...(input.pages ?? []), ...(input.instagramProfiles ?? [])],
        pages: input.pages ?? [],
        instagram_profiles: input.instagramProfiles ?? [],
        token_type: input.tokenType ?? 'User',
        installed_features: input.installedFeatures ?? [],
      };
      if (input.commerceMerchantSettingsId)
        install.commerce_merchant_settings_id = input.commerceMerchantSettingsId;
      if (input.pixelId) install.pixel_id = input.pixelId;
      if (input.adAccountId) install.ad_account_id = input.adAccountId;
      if (input.catalogId) install.catalog_id = input.catalogId;
      installs.set(input.externalBusinessId, install);
      return install;
    },
    install: (id) => installs.get(id),
    removeInstall: (id) => installs.delete(id),
    byBusinessManager(bmId) {
      for (const [externalBusinessId, install] of installs) {
        if (install.business_manager_id === bmId) return { externalBusinessId, install };
      }
      return undefined;
    },
    configuration: (id) => configs.get(id),
    setConfiguration(id, config) {
      configs.set(id, config);
    },
    link(link) {
      links.push(link);
    },
    subscribe(accountId, fields) {
      subscribed.set(accountId, fields);
    },
    subscriptions: (accountId) => subscribed.get(accountId),
    linksByPsid: (psid) => links.filter((l) => l.psid === psid),
    linksByAsid: (asid) => links.filter((l) => l.asid === asid),
    clear() {
      installs.clear();
      configs.clear();
      links = [];
      subscribed.clear();
      business.idMatchingUnderReview = false;
    },
  };
  return business;
}
