import { z } from 'zod';
import type { AdminApp } from '../../shared/admin-app.ts';
import { GRAPH_FAILURE_STATUSES } from '../../shared/graph-failure.ts';
import { toIso } from '../../shared/iso-date.ts';
import { DEFAULT_SYSTEM_USER_SCOPES, type FbeService } from './fbe.service.ts';
import { FbeCursor } from './fbe-cursor.ts';
import type { FbeInstallation } from './fbe-installation.ts';

export interface FbeRouteDeps {
  fbe: FbeService;
}

const FeatureView = z.object({
  featureInstanceId: z.string(),
  featureType: z.string(),
  featureName: z.string().nullable(),
  connectedAssets: z.record(z.string(), z.string()),
  enabled: z.boolean().describe('whether the gateway runs this feature for the business'),
  disabledReason: z
    .enum(['missing_assets', 'unsupported_feature', 'feature_removed', 'uninstalled'])
    .nullable()
    .describe(
      'why it is off: a required asset was not granted, unknown type, no longer installed, uninstalled',
    ),
  missingAssets: z.array(z.string()).describe('required assets that were not granted'),
});

const InstallationView = z.object({
  externalBusinessId: z.string(),
  businessManagerId: z.string().nullable(),
  status: z.enum(['installed', 'uninstalled']),
  assets: z.object({
    pages: z.array(z.string()),
    instagramProfiles: z.array(z.string()),
    pixelId: z.string().nullable(),
    catalogId: z.string().nullable(),
    adAccountId: z.string().nullable(),
    commerceMerchantSettingsId: z.string().nullable(),
  }),
  enabledFeatures: z.array(z.string()).describe('feature types the gateway runs for this business'),
  features: z.array(FeatureView),
  token: z
    .object({ last4: z.string(), type: z.string().nullable() })
    .nullable()
    .describe('the token delivered with the install webhook (never the token itself)'),
  systemUserToken: z
    .object({
      last4: z.string(),
      type: z.string().nullable(),
      scopes: z.array(z.string()),
      expiresAt: z.iso.datetime().nullable(),
      checked: z.boolean().describe('false: Meta was not asked for the expiry, so expiresAt is unknown'),
      obtainedAt: z.iso.datetime().nullable(),
    })
    .nullable(),
  installedAt: z.iso.datetime().nullable(),
  uninstalledAt: z.iso.datetime().nullable(),
  lastEventAt: z.iso.datetime().describe("Meta's time of the newest event applied"),
  reconciledAt: z.iso.datetime().nullable(),
  updatedAt: z.iso.datetime(),
});
type InstallationViewT = z.infer<typeof InstallationView>;

function view(i: FbeInstallation): InstallationViewT {
  const su = i.systemUserToken;
  return {
    externalBusinessId: i.externalBusinessId,
    businessManagerId: i.businessManagerId,
    status: i.status,
    assets: {
      pages: i.pages,
      instagramProfiles: i.instagramProfiles,
      pixelId: i.pixelId,
      catalogId: i.catalogId,
      adAccountId: i.adAccountId,
      commerceMerchantSettingsId: i.commerceMerchantSettingsId,
    },
    enabledFeatures: [...new Set(i.features.filter((f) => f.enabled).map((f) => f.featureType))],
    features: i.features.map((f) => ({
      featureInstanceId: f.featureInstanceId,
      featureType: f.featureType,
      featureName: f.featureName ?? null,
      connectedAssets: { ...f.connectedAssets },
      enabled: f.enabled,
      disabledReason: f.disabledReason,
      missingAssets: f.missingAssets,
    })),
    token: i.token,
    systemUserToken: su
      ? {
          last4: su.last4,
          type: su.type,
          scopes: su.scopes,
          expiresAt: toIso(su.expiresAt),
          checked: su.checkedAt !== null,
          obtainedAt: toIso(su.obtainedAt),
        }
      : null,
    installedAt: toIso(i.installedAt),
    uninstalledAt: toIso(i.uninstalledAt),
    lastEventAt: toIso(i.lastEventAt),
    reconciledAt: toIso(i.reconciledAt),
    updatedAt: toIso(i.updatedAt),
  };
}

const Params = z.object({
  externalBusinessId: z.string().min(1).max(256).describe('fbe_external_business_id'),
});

/** FBE `business_config`: feature name → its configuration object, or a list of them (page_ctas, ads…). */
const BusinessConfig = z
  .record(
    z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be an FBE feature name such as page_cta or messenger_chat'),
    z.union([z.looseObject({}), z.array(z.looseObject({})).min(1)]),
  )
  .refine((config) => Object.keys(config).length > 0, 'must configure at least one feature');

const Configuration = z.object({
  externalBusinessId: z.string(),
  businessConfig: z.record(z.string(), z.unknown()).describe("Meta's fbe_business configuration, verbatim"),
});

/** Facebook Business Extension installs (docs/meta-platform.md, "Business setup facts"): state from the webhooks, tokens, features. */
export function registerFbeRoutes(app: AdminApp, deps: FbeRouteDeps): void {
  const { fbe } = deps;

  app.get(
    '/fbe',
    {
      schema: {
        tags: ['fbe'],
        summary: 'List FBE installations with the features the gateway runs for each',
        querystring: z.object({
          status: z.enum(['installed', 'uninstalled']).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: FbeCursor.optional().describe('nextCursor of the previous page'),
        }),
        response: { 200: z.object({ items: z.array(InstallationView), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => {
      const { items, nextCursor } = await fbe.list(request.query);
      return { items: items.map(view), nextCursor };
    },
  );

  app.get(
    '/fbe/:externalBusinessId',
    {
      schema: {
        tags: ['fbe'],
        summary: 'One FBE installation: assets, features and token metadata',
        params: Params,
        response: { 200: InstallationView },
      },
    },
    async (request) => view(await fbe.get(request.params.externalBusinessId)),
  );

  app.post(
    '/fbe/:externalBusinessId/system-user-token',
    {
      schema: {
        tags: ['fbe'],
        summary:
          "Exchange the install's token for the business's system-user token (stored encrypted; only its last 4 characters are shown)",
        description: GRAPH_FAILURE_STATUSES,
        params: Params,
        body: z
          .strictObject({
            scopes: z
              .array(z.string().regex(/^[a-z_]+$/, 'must be a permission name'))
              .min(1)
              .max(20)
              .default([...DEFAULT_SYSTEM_USER_SCOPES])
              .describe('manage_business_extension, plus ads_management / catalog_management as needed'),
          })
          // A POST without a body reaches validation as null: the default scopes then apply.
          .nullable(),
        response: {
          201: z.object({
            externalBusinessId: z.string(),
            last4: z.string(),
            type: z.string().nullable(),
            scopes: z.array(z.string()),
            expiresAt: z.iso
              .datetime()
              .nullable()
              .describe('null: never expires, or unknown when checked is false'),
            checked: z.boolean(),
          }),
        },
      },
    },
    async (request, reply) => {
      const installation = await fbe.obtainSystemUserToken(
        request.params.externalBusinessId,
        request.body?.scopes ?? DEFAULT_SYSTEM_USER_SCOPES,
      );
      const su = view(installation).systemUserToken;
      if (!su) throw new Error('system-user token missing right after it was stored');
      return reply.status(201).send({
        externalBusinessId: installation.externalBusinessId,
        last4: su.last4,
        type: su.type,
        scopes: su.scopes,
        expiresAt: su.expiresAt,
        checked: su.checked,
      });
    },
  );

  app.get(
    '/fbe/:externalBusinessId/installs',
    {
      schema: {
        tags: ['fbe'],
        summary:
          "Reconcile with Meta's fbe_installs: update the installation from Meta's answer; one Meta no longer lists becomes uninstalled",
        description: GRAPH_FAILURE_STATUSES,
        params: Params,
        response: {
          200: z.object({
            installation: InstallationView,
            metaInstalled: z.boolean().describe('whether Meta still lists an install for the business'),
            statusBefore: z.enum(['installed', 'uninstalled']),
            applied: z
              .boolean()
              .describe('false when a newer webhook was applied meanwhile, which then stands'),
          }),
        },
      },
    },
    async (request) => {
      const result = await fbe.reconcile(request.params.externalBusinessId);
      return {
        installation: view(result.installation),
        metaInstalled: result.metaInstalled,
        statusBefore: result.statusBefore,
        applied: result.outcome === 'applied',
      };
    },
  );

  app.get(
    '/fbe/:externalBusinessId/features',
    {
      schema: {
        tags: ['fbe'],
        summary: "The business's FBE feature configuration (GET /fbe_business)",
        description: GRAPH_FAILURE_STATUSES,
        params: Params,
        response: { 200: Configuration },
      },
    },
    async (request) => ({
      externalBusinessId: request.params.externalBusinessId,
      businessConfig: await fbe.features(request.params.externalBusinessId),
    }),
  );

  app.post(
    '/fbe/:externalBusinessId/features',
    {
      schema: {
        tags: ['fbe'],
        summary: 'Update the FBE feature configuration (POST /fbe_business) and return it as Meta now has it',
        description: GRAPH_FAILURE_STATUSES,
        params: Params,
        body: z.strictObject({ businessConfig: BusinessConfig }),
        response: { 200: Configuration },
      },
    },
    async (request) => {
      const { externalBusinessId } = request.params;
      const businessConfig = await fbe.updateFeatures(externalBusinessId, request.body.businessConfig);
      request.log.info(
        { externalBusinessId, features: Object.keys(request.body.businessConfig), by: request.adminKey?.id },
        'FBE feature configuration updated',
      );
      return { externalBusinessId, businessConfig };
    },
  );
}
