// FBE installs, their feature configuration, and ID matching (ids_for_apps / ids_for_pages).
// Shapes: fixtures/graph-responses.json `fbe_installs_get`, FBE docs (docs/meta-platform.md); ID matching per the
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

/** One ids_for_apps / ids_for_pages call as the simulator received it (tests check the proof). */
export interface IdMatchingRequest {
  edge: 'ids_for_apps' | 'ids_for_pages';
  /** The user node asked about (PSID or ASID). */
  id: string;
  /** `appsecret_proof` exactly as sent. */
  appsecretProof: string | undefined;
  tokenLast4: string;
  /** The `after` cursor, when the call asked for a later page. */
  after: string | undefined;
}

/** Default page size of ids_for_apps / ids_for_pages (Graph's usual default of 25). */
export const ID_MATCHING_PAGE_SIZE = 25;

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
  /**
   * Every link of the person `id` (a PSID or an ASID) belongs to: links sharing a PSID or an ASID are
   * one person, so a PSID reaches the person's ids in every app and on every Page of the business.
   */
  personLinks(id: string): IdLink[];
  /** Items per page of ids_for_apps / ids_for_pages when the call gives no `limit`. */
  idMatchingPageSize: number;
  recordIdMatchingRequest(request: IdMatchingRequest): void;
  idMatchingRequests(): IdMatchingRequest[];
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
  let requests: IdMatchingRequest[] = [];
  /** Calls kept for inspection; the oldest are dropped beyond it. */
  const MAX_REQUESTS = 1_000;

  const business: Business = {
    idMatchingUnderReview: false,
    idMatchingPageSize: ID_MATCHING_PAGE_SIZE,
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
    personLinks(id) {
      const psids = new Set<string>();
      const asids = new Set<string>();
      const found = new Set<IdLink>();
      let frontier = links.filter((l) => l.psid === id || l.asid === id);
      while (frontier.length > 0) {
        for (const l of frontier) {
          found.add(l);
          psids.add(l.psid);
          asids.add(l.asid);
        }
        frontier = links.filter((l) => !found.has(l) && (psids.has(l.psid) || asids.has(l.asid)));
      }
      return links.filter((l) => found.has(l));
    },
    recordIdMatchingRequest(request) {
      requests.push(request);
      if (requests.length > MAX_REQUESTS) requests = requests.slice(-MAX_REQUESTS);
    },
    idMatchingRequests: () => [...requests],
    clear() {
      installs.clear();
      configs.clear();
      links = [];
      subscribed.clear();
      requests = [];
      business.idMatchingUnderReview = false;
      business.idMatchingPageSize = ID_MATCHING_PAGE_SIZE;
    },
  };
  return business;
}
