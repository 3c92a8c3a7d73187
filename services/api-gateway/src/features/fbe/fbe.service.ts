import type { FbeInstall, GraphClient } from '@omnistream/graph';
import type { Logger } from '@omnistream/logger';
import { AppError } from '@omnistream/service-kit';
import { type GraphFailureOptions, graphFailure } from '../../shared/graph-failure.ts';
import type { InstalledFeatureInput } from './fbe-features.ts';
import type {
  ApplyOutcome,
  FbeInstallation,
  FbeInstallationStatus,
  FbeInstallState,
} from './fbe-installation.ts';
import type { FbeInstallationsRepository } from './fbe-installations.repository.ts';

/** The token's scope: manage_business_extension, plus ads_management / catalog_management as needed (docs/meta-platform.md, "Business setup facts"). */
export const DEFAULT_SYSTEM_USER_SCOPES = ['manage_business_extension'] as const;

export interface FbeServiceDeps {
  installations: FbeInstallationsRepository;
  graph: Pick<
    GraphClient,
    'getSystemUserToken' | 'listFbeInstalls' | 'getFbeConfig' | 'updateFbeConfig' | 'checkToken'
  >;
  /** META_APP_ID: `app_id` of the system-user token exchange. */
  appId?: string | undefined;
  /** META_APP_SECRET: with the app id, the app token that reads a new token's type and expiry. */
  appSecret?: string | undefined;
  logger: Logger;
  now?: () => Date;
}

export interface ReconcileResult {
  installation: FbeInstallation;
  /** Whether Meta still lists an install for the business. */
  metaInstalled: boolean;
  statusBefore: FbeInstallationStatus;
  /** `stale`: a webhook newer than this reconciliation was applied meanwhile; nothing changed. */
  outcome: ApplyOutcome;
}

export interface FbeService {
  list: FbeInstallationsRepository['list'];
  get(externalBusinessId: string): Promise<FbeInstallation>;
  obtainSystemUserToken(externalBusinessId: string, scopes: readonly string[]): Promise<FbeInstallation>;
  reconcile(externalBusinessId: string): Promise<ReconcileResult>;
  /** The `fbe_business` feature configuration, as Meta returns it. */
  features(externalBusinessId: string): Promise<Record<string, unknown>>;
  updateFeatures(
    externalBusinessId: string,
    businessConfig: Record<string, unknown>,
  ): Promise<Record<string, unknown>>;
}

const notFound = () =>
  new AppError('GW_NOT_FOUND', 'no FBE installation with this external business id', { status: 404 });
const conflict = (message: string) => new AppError('GW_CONFLICT', message, { status: 409 });
/** FBE calls use the business's tokens (system-user, install or app token), not an integration's. */
const FBE_TOKEN: GraphFailureOptions = { token: "the business's token" };

/** Meta's install (fbe_installs) in the shape the webhook handler stores. */
function stateOf(install: FbeInstall): FbeInstallState {
  const features: InstalledFeatureInput[] = [];
  for (const f of install.installedFeatures) {
    if (f.featureType === undefined) continue;
    const connectedAssets: Record<string, string> = {};
    for (const [name, value] of Object.entries(f.connectedAssets)) {
      if (typeof value === 'string' && value !== '') connectedAssets[name] = value;
      else if (typeof value === 'number' && Number.isSafeInteger(value))
        connectedAssets[name] = String(value);
    }
    features.push({
      featureInstanceId: f.featureInstanceId,
      featureType: f.featureType,
      connectedAssets,
      additionalInfo: f.additionalInfo,
    });
  }
  return {
    businessManagerId: install.businessManagerId,
    pages: install.pages,
    instagramProfiles: install.instagramProfiles,
    pixelId: install.pixelId,
    catalogId: install.catalogId,
    adAccountId: install.adAccountId,
    commerceMerchantSettingsId: install.commerceMerchantSettingsId,
    tokenType: install.tokenType,
    installedFeatures: features,
  };
}

export function createFbeService(deps: FbeServiceDeps): FbeService {
  const { installations, graph, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const appToken = deps.appId && deps.appSecret ? `${deps.appId}|${deps.appSecret}` : undefined;

  async function tokensOf(externalBusinessId: string) {
    const found = await installations.tokens(externalBusinessId);
    if (!found) throw notFound();
    return found;
  }

  /**
   * The token to read a business's FBE data with: its system-user token, else the install's token,
   * else the app token (tokens are dropped on uninstall, and a reinstall may have been missed).
   */
  async function readToken(externalBusinessId: string): Promise<string> {
    const { systemUser, install } = await tokensOf(externalBusinessId);
    const token = systemUser ?? install ?? appToken;
    if (token === undefined) {
      throw conflict(
        'no token to call Meta with: the install delivered none and META_APP_ID / META_APP_SECRET are not both set',
      );
    }
    return token;
  }

  async function tokenDetails(token: string, requested: readonly string[]) {
    const unchecked = { type: 'system_user', scopes: requested, expiresAt: null, checkedAt: null };
    if (appToken === undefined) return unchecked;
    try {
      const check = await graph.checkToken({ token, appToken });
      if (!check.valid) {
        logger.warn({ reason: check.reason }, 'debug_token calls the new system-user token invalid');
        return unchecked;
      }
      return {
        type: check.type?.toLowerCase() ?? 'system_user',
        scopes: check.scopes ?? requested,
        expiresAt: check.expiresAt ?? null,
        checkedAt: check.expiresAt === undefined ? null : now(),
      };
    } catch (err) {
      // The token is good either way; only its expiry stays unknown.
      logger.warn({ err }, 'could not read the new system-user token with debug_token');
      return unchecked;
    }
  }

  function pickInstall(found: FbeInstall[], businessManagerId: string | null): FbeInstall | undefined {
    const match = found.find((i) => i.businessManagerId === businessManagerId);
    if (match) return match;
    if (found.length <= 1) return found.at(0);
    throw new AppError(
      'GW_UPSTREAM',
      `Meta lists ${found.length} installs for this business, none with business manager ${businessManagerId ?? '(unknown)'}`,
      { status: 502, retryable: false },
    );
  }

  function configurationOf(answer: Record<string, unknown>): Record<string, unknown> {
    const nested = answer.business_config;
    if (typeof nested === 'object' && nested !== null && !Array.isArray(nested)) {
      return nested as Record<string, unknown>;
    }
    const { fbe_external_business_id: _id, ...rest } = answer;
    return rest;
  }

  return {
    list: (query) => installations.list(query),

    async get(externalBusinessId) {
      const installation = await installations.get(externalBusinessId);
      if (!installation) throw notFound();
      return installation;
    },

    async obtainSystemUserToken(externalBusinessId, scopes) {
      const { installation, install } = await tokensOf(externalBusinessId);
      if (installation.status !== 'installed') throw conflict('the business uninstalled FBE');
      if (installation.businessManagerId === null) {
        throw conflict(
          'the install named no business manager: POST /{business_manager_id}/access_token needs one',
        );
      }
      if (install === null) throw conflict('the install webhook delivered no token to exchange');
      if (deps.appId === undefined) {
        throw new AppError('GW_UNAVAILABLE', 'META_APP_ID is not set: the token exchange needs the app id', {
          status: 503,
          retryable: false,
        });
      }
      const { accessToken } = await graph
        .getSystemUserToken({
          businessId: installation.businessManagerId,
          appId: deps.appId,
          scope: [...scopes],
          token: install,
          externalBusinessId,
        })
        .catch((err: unknown) => {
          throw graphFailure(err, 'obtain a system-user token', FBE_TOKEN);
        });
      const details = await tokenDetails(accessToken, scopes);
      const stored = await installations.storeSystemUserToken(externalBusinessId, {
        token: accessToken,
        ...details,
        obtainedAt: now(),
      });
      if (!stored) throw conflict('the business uninstalled FBE while the token was being obtained');
      logger.info(
        {
          externalBusinessId,
          last4: stored.systemUserToken?.last4,
          expiresAt: details.expiresAt?.toISOString() ?? null,
        },
        'FBE system-user token stored',
      );
      return stored;
    },

    async reconcile(externalBusinessId) {
      const token = await readToken(externalBusinessId);
      const before = await installations.get(externalBusinessId);
      if (!before) throw notFound();
      const found = await graph.listFbeInstalls({ token, externalBusinessId }).catch((err: unknown) => {
        throw graphFailure(err, 'list the FBE installs', FBE_TOKEN);
      });
      const install = pickInstall(found, before.businessManagerId);
      const { outcome, installation } = await installations.apply({
        externalBusinessId,
        change: install ? { kind: 'install', state: stateOf(install) } : { kind: 'uninstall' },
        at: now(),
        eventId: null,
        source: 'reconcile',
      });
      if (outcome === 'applied' && before.status !== installation.status) {
        logger.info(
          { externalBusinessId, from: before.status, to: installation.status },
          'FBE installation reconciled with Meta',
        );
      }
      return { installation, metaInstalled: install !== undefined, statusBefore: before.status, outcome };
    },

    async features(externalBusinessId) {
      const token = await readToken(externalBusinessId);
      const answer = await graph.getFbeConfig({ token, externalBusinessId }).catch((err: unknown) => {
        throw graphFailure(err, 'read the FBE feature configuration', FBE_TOKEN);
      });
      return configurationOf(answer);
    },

    async updateFeatures(externalBusinessId, businessConfig) {
      const token = await readToken(externalBusinessId);
      await graph.updateFbeConfig({ token, externalBusinessId, businessConfig }).catch((err: unknown) => {
        throw graphFailure(err, 'update the FBE feature configuration', FBE_TOKEN);
      });
      const answer = await graph.getFbeConfig({ token, externalBusinessId }).catch((err: unknown) => {
        throw graphFailure(err, 'read the FBE feature configuration', FBE_TOKEN);
      });
      return configurationOf(answer);
    },
  };
}
