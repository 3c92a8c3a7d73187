import { z } from 'zod';
import { PathIdSchema, TokenSchema, validate } from './input-primitives.ts';
import {
  asObject,
  type JsonObject,
  objects,
  optionalString,
  requiredString,
  requireSuccess,
} from './responses.ts';
import type { Transport } from './transport.ts';

/**
 * Facebook Business Extension (FBE docs; docs/meta-platform.md, "Business setup facts"): a system-user token for the client's business,
 * the install listing and the feature configuration of `fbe_business`.
 */

const ExternalBusinessIdSchema = z.string().min(1).max(256);

export const GetSystemUserTokenInputSchema = z.strictObject({
  /** client_business_manager_id from the FBE install. */
  businessId: PathIdSchema,
  appId: PathIdSchema,
  /** manage_business_extension, plus ads_management / catalog_management as needed. */
  scope: z.array(z.string().regex(/^[a-z_]+$/)).min(1),
  /** The admin's token from the FBE flow. */
  token: TokenSchema,
  externalBusinessId: ExternalBusinessIdSchema,
});
export type GetSystemUserTokenInput = z.input<typeof GetSystemUserTokenInputSchema>;

export const FbeInputSchema = z.strictObject({
  token: TokenSchema,
  externalBusinessId: ExternalBusinessIdSchema,
});
export type FbeInput = z.input<typeof FbeInputSchema>;

export const UpdateFbeConfigInputSchema = z.strictObject({
  token: TokenSchema,
  externalBusinessId: ExternalBusinessIdSchema,
  /** FBE `business_config`, verbatim (messenger_chat, ig_cta, page_cta, …). */
  businessConfig: z.record(z.string(), z.unknown()),
});
export type UpdateFbeConfigInput = z.input<typeof UpdateFbeConfigInputSchema>;

export interface FbeInstalledFeature {
  featureInstanceId: string;
  featureType?: string;
  connectedAssets: JsonObject;
  additionalInfo?: JsonObject;
}

export interface FbeInstall {
  businessManagerId: string;
  pages: string[];
  instagramProfiles: string[];
  pixelId?: string;
  catalogId?: string;
  adAccountId?: string;
  commerceMerchantSettingsId?: string;
  tokenType?: string;
  installedFeatures: FbeInstalledFeature[];
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v) => typeof v === 'string' || typeof v === 'number').map(String) : [];

function toInstall(raw: JsonObject, endpoint: string): FbeInstall {
  const install: FbeInstall = {
    businessManagerId: requiredString(raw, 'business_manager_id', endpoint),
    pages: strings(raw.pages),
    instagramProfiles: strings(raw.instagram_profiles),
    installedFeatures: objects(raw.installed_features).map((f) => {
      const feature: FbeInstalledFeature = {
        featureInstanceId: requiredString(f, 'feature_instance_id', endpoint),
        connectedAssets:
          typeof f.connected_assets === 'object' && f.connected_assets !== null
            ? (f.connected_assets as JsonObject)
            : {},
      };
      const type = optionalString(f, 'feature_type');
      if (type !== undefined) feature.featureType = type;
      if (typeof f.additional_info === 'object' && f.additional_info !== null) {
        feature.additionalInfo = f.additional_info as JsonObject;
      }
      return feature;
    }),
  };
  const optional: [keyof FbeInstall, string][] = [
    ['pixelId', 'pixel_id'],
    ['catalogId', 'catalog_id'],
    ['adAccountId', 'ad_account_id'],
    ['commerceMerchantSettingsId', 'commerce_merchant_settings_id'],
    ['tokenType', 'token_type'],
  ];
  for (const [to, from] of optional) {
    const value = optionalString(raw, from);
    if (value !== undefined) (install as unknown as Record<string, unknown>)[to] = value;
  }
  return install;
}

export function createFbeCalls(transport: Transport) {
  async function getSystemUserToken(input: GetSystemUserTokenInput): Promise<{ accessToken: string }> {
    const i = validate(GetSystemUserTokenInputSchema, input, 'FBE system-user token request');
    const path = `/${i.businessId}/access_token`;
    const endpoint = `POST ${path}`;
    const data = asObject(
      await transport.call({
        host: 'graph',
        method: 'POST',
        path,
        token: i.token,
        form: { app_id: i.appId, scope: i.scope.join(','), fbe_external_business_id: i.externalBusinessId },
      }),
      endpoint,
    );
    const accessToken = requiredString(data, 'access_token', endpoint);
    transport.registerSecret(accessToken);
    return { accessToken };
  }

  async function listFbeInstalls(input: FbeInput): Promise<FbeInstall[]> {
    const { token, externalBusinessId } = validate(FbeInputSchema, input, 'FBE install listing');
    const path = '/fbe_business/fbe_installs';
    const data = asObject(
      await transport.call({
        host: 'graph',
        method: 'GET',
        path,
        token,
        query: { fbe_external_business_id: externalBusinessId },
      }),
      `GET ${path}`,
    );
    return objects(data.data).map((raw) => toInstall(raw, `GET ${path}`));
  }

  /** The FBE feature configuration, verbatim (its shape follows the features installed). */
  async function getFbeConfig(input: FbeInput): Promise<JsonObject> {
    const { token, externalBusinessId } = validate(FbeInputSchema, input, 'FBE configuration request');
    const path = '/fbe_business';
    return asObject(
      await transport.call({
        host: 'graph',
        method: 'GET',
        path,
        token,
        query: { fbe_external_business_id: externalBusinessId },
      }),
      `GET ${path}`,
    );
  }

  async function updateFbeConfig(input: UpdateFbeConfigInput): Promise<void> {
    const { token, externalBusinessId, businessConfig } = validate(
      UpdateFbeConfigInputSchema,
      input,
      'FBE configuration update',
    );
    const path = '/fbe_business';
    requireSuccess(
      await transport.call({
        host: 'graph',
        method: 'POST',
        path,
        token,
        json: { fbe_external_business_id: externalBusinessId, business_config: businessConfig },
      }),
      `POST ${path}`,
    );
  }

  return { getSystemUserToken, listFbeInstalls, getFbeConfig, updateFbeConfig };
}
