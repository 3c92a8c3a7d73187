import type { FbeInstalledFeature, FbePayload } from '@omnistream/events';
import { type EventSink, required, UNKNOWN_ACCOUNT } from './event-sink.ts';
import {
  arrayOf,
  booleanOf,
  fragmentHash,
  idOf,
  idsOf,
  isoFromMetaTime,
  type JsonObject,
  nonEmptyStringOf,
  recordOf,
  stringOf,
} from './meta-values.ts';
import { stripSecrets } from './strip-secrets.ts';

const INSTALL_FIELDS: ReadonlySet<string> = new Set(['fbe_install', 'fbe_uninstall']);

/**
 * `object: "application"` on /webhook/fbe: Business Extension installs and uninstalls. The envelope is
 * `entry[{id: APP_ID, time, changes[{field, value}]}]` (Business Integration Webhooks doc) and the value
 * carries the documented install fields plus an `access_token` (test/fixtures/SOURCES.md: fbe-install.json is reconstructed).
 *
 * The token never reaches an event: it is removed from `raw` and from the payload, and published only
 * encrypted (`payload.encryptedToken`, via NormalizeContext.encryptToken) for the FBE consumer to store.
 * The parsed body is not mutated; `raw` is a copy along the path to the token.
 */
export function normalizeFbe(entries: readonly unknown[], sink: EventSink): void {
  for (const entry of entries) {
    const e = recordOf(entry);
    if (e === undefined || !Array.isArray(e.changes)) {
      sink.unsupported({
        channel: 'fbe',
        account: { id: idOf(e?.id) ?? UNKNOWN_ACCOUNT },
        reason: 'malformed FBE entry: no changes[]',
        raw: entry,
      });
      continue;
    }
    for (const change of e.changes) {
      try {
        emitFbeChange(change, e, sink);
      } catch (error) {
        const value = recordOf(recordOf(change)?.value);
        sink.malformed(error, 'FBE change', {
          channel: 'fbe',
          account: { id: (value && externalBusinessIdOf(value)) ?? idOf(e.id) ?? UNKNOWN_ACCOUNT },
          occurredAt: isoFromMetaTime(e.time),
          type: stringOf(recordOf(change)?.field),
          raw: change,
          discriminator: idOf(e.time),
        });
      }
    }
  }
}

function emitFbeChange(change: unknown, entry: JsonObject, sink: EventSink): void {
  const c = required(recordOf(change), 'change');
  const field = stringOf(c.field);
  const occurredAt = isoFromMetaTime(entry.time) ?? sink.receivedAt;
  const secretValue = recordOf(c.value);

  if (field === undefined || !INSTALL_FIELDS.has(field)) {
    // business_integration_install / _uninstall / _update (Facebook Login for Business, Embedded
    // Signup: `{business_manager_id, tp_config_id}`, no external business id and no token) and fields
    // Meta adds later. Routed under the business manager when there is one, else the app (entry.id).
    sink.unsupported({
      channel: 'fbe',
      account: { id: idOf(secretValue?.business_manager_id) ?? idOf(entry.id) ?? UNKNOWN_ACCOUNT },
      occurredAt,
      reason: `FBE change field ${field ?? '(none)'} is not normalized`,
      type: field,
      raw: c,
      discriminator: idOf(entry.time),
    });
    return;
  }

  required(secretValue, 'value');
  const raw = stripSecrets(c);
  const value = recordOf(raw.value) as JsonObject;
  const externalBusinessId = required(
    externalBusinessIdOf(value),
    'business id (fbe_external_business_id, external_business_id, business_id or business_manager_id)',
  );
  const fbeEvent = stringOf(value.fbe_event);
  // The seed documents one `fbe_install` field whose `fbe_event` says install or uninstall; a public
  // integration subscribes to a separate `fbe_uninstall` field. Either means uninstall.
  const uninstall = field === 'fbe_uninstall' || fbeEvent?.toUpperCase() === 'UNINSTALL';
  const token = nonEmptyStringOf(secretValue?.access_token);

  const payload: FbePayload = {
    externalBusinessId,
    businessManagerId: idOf(value.business_manager_id),
    pages: idsOf(value.pages),
    // Absent when the token's scope is not Instagram-related (docs/meta-platform.md, "Business setup facts"): an empty list, as the schema says.
    instagramProfiles: idsOf(value.instagram_profiles),
    pixelId: idOf(value.pixel_id),
    catalogId: idOf(value.catalog_id),
    adAccountId: idOf(value.ad_account_id),
    commerceMerchantSettingsId: idOf(value.commerce_merchant_settings_id),
    onsiteEligible: booleanOf(value.onsite_eligible),
    flow: stringOf(value.flow),
    tokenType: stringOf(value.token_type),
    encryptedToken: token === undefined ? undefined : sink.encryptToken(token),
    installedFeatures: installedFeaturesOf(value.installed_features),
  };
  sink.emit(
    {
      kind: uninstall ? 'fbe_uninstall' : 'fbe_install',
      channel: 'fbe',
      account: { id: externalBusinessId },
      occurredAt,
      payload,
      raw,
    },
    {
      // A business installs, reconfigures and uninstalls over time under one id: `entry.time` tells
      // those webhooks apart and stays the same on a retry.
      metaId: externalBusinessId,
      discriminator: JSON.stringify([field, fbeEvent ?? null, idOf(entry.time) ?? fragmentHash(raw)]),
    },
  );
}

/**
 * The business the install belongs to. Meta's FBE APIs key installs by `fbe_external_business_id`
 * (docs/meta-platform.md: `/fbe_business/fbe_installs?fbe_external_business_id=…`), but the webhook field table in
 * Meta documents no such field. Take it when Meta sends it (under any of the names seen in public
 * integrations), else fall back to `business_manager_id`: the client's Business Manager, stable per
 * business and the id the system-user token call is made on (`POST /{client_business_manager_id}/access_token`).
 */
function externalBusinessIdOf(value: JsonObject): string | undefined {
  return (
    idOf(value.fbe_external_business_id) ??
    idOf(value.external_business_id) ??
    idOf(value.business_id) ??
    idOf(value.business_manager_id)
  );
}

/** Features without an instance id or a type are left to `raw`: the consumer cannot act on them. */
function installedFeaturesOf(value: unknown): FbeInstalledFeature[] {
  const features: FbeInstalledFeature[] = [];
  for (const item of arrayOf(value)) {
    const feature = recordOf(item);
    const featureInstanceId = idOf(feature?.feature_instance_id);
    const featureType = nonEmptyStringOf(feature?.feature_type) ?? nonEmptyStringOf(feature?.feature_name);
    if (feature === undefined || featureInstanceId === undefined || featureType === undefined) continue;
    const connectedAssets: Record<string, string> = {};
    for (const [name, asset] of Object.entries(recordOf(feature.connected_assets) ?? {})) {
      const id = idOf(asset);
      if (id !== undefined) connectedAssets[name] = id;
    }
    features.push({
      featureInstanceId,
      featureType,
      featureName: stringOf(feature.feature_name),
      connectedAssets,
      // Shape varies by feature (onsite_commerce_eligible, shop_status arrays, docs/meta-platform.md): verbatim.
      additionalInfo: feature.additional_info,
    });
  }
  return features;
}
