import { type Pool, type PoolClient, withTransaction } from '@omnistream/db';
import type { TokenCipher } from '@omnistream/integrations';
import { decodeFbeCursor, encodeFbeCursor } from './fbe-cursor.ts';
import { type FeatureState, planInstalledFeatures, planUninstalledFeatures } from './fbe-features.ts';
import {
  type ApplyFbeChangeInput,
  type ApplyOutcome,
  type FbeChange,
  type FbeInstallation,
  type FbeInstallationStatus,
  type FeatureRow,
  type InstallationRow,
  type SystemUserTokenInput,
  toFeature,
  toInstallation,
} from './fbe-installation.ts';

export interface FbeInstallationsRepository {
  /**
   * Applies an install, change or uninstall unless the row already reflects a newer event (`stale`)
   * or this very event (`duplicate`). One transaction with the row locked, so concurrent deliveries
   * of the same business serialize.
   */
  apply(input: ApplyFbeChangeInput): Promise<{ outcome: ApplyOutcome; installation: FbeInstallation }>;
  get(externalBusinessId: string): Promise<FbeInstallation | null>;
  list(query: {
    limit: number;
    cursor?: string | undefined;
    status?: FbeInstallationStatus | undefined;
  }): Promise<{ items: FbeInstallation[]; nextCursor: string | null }>;
  /** The decrypted tokens, for Graph calls on the business's behalf. */
  tokens(
    externalBusinessId: string,
  ): Promise<{ installation: FbeInstallation; install: string | null; systemUser: string | null } | null>;
  /** Stores the system-user token encrypted; null when the business is unknown or uninstalled. */
  storeSystemUserToken(
    externalBusinessId: string,
    input: SystemUserTokenInput,
  ): Promise<FbeInstallation | null>;
}

const FEATURES_SQL = `SELECT * FROM fbe_installed_features WHERE external_business_id = ANY($1::text[])
  ORDER BY external_business_id, feature_type, feature_instance_id`;

export function createFbeInstallationsRepository(deps: {
  pool: Pool;
  cipher: TokenCipher;
}): FbeInstallationsRepository {
  const { pool, cipher } = deps;

  async function featuresOf(client: Pool | PoolClient, ids: string[]): Promise<Map<string, FeatureState[]>> {
    const byId = new Map<string, FeatureState[]>();
    if (ids.length === 0) return byId;
    const { rows } = await client.query<FeatureRow>(FEATURES_SQL, [ids]);
    for (const row of rows) {
      const list = byId.get(row.external_business_id) ?? [];
      list.push(toFeature(row));
      byId.set(row.external_business_id, list);
    }
    return byId;
  }

  /** One installation row with its features. */
  async function withFeatures(client: Pool | PoolClient, row: InstallationRow): Promise<FbeInstallation> {
    const id = row.external_business_id;
    return toInstallation(row, (await featuresOf(client, [id])).get(id) ?? []);
  }

  async function load(client: Pool | PoolClient, id: string): Promise<InstallationRow | null> {
    const { rows } = await client.query<InstallationRow>(
      'SELECT * FROM fbe_installations WHERE external_business_id = $1',
      [id],
    );
    return rows[0] ?? null;
  }

  async function writeFeatures(client: PoolClient, id: string, features: FeatureState[]): Promise<void> {
    if (features.length === 0) return;
    const records = features.map((f) => ({
      feature_instance_id: f.featureInstanceId,
      feature_type: f.featureType,
      feature_name: f.featureName ?? null,
      connected_assets: f.connectedAssets,
      additional_info: f.additionalInfo ?? null,
      enabled: f.enabled,
      disabled_reason: f.disabledReason,
      missing_assets: f.missingAssets,
    }));
    await client.query(
      `INSERT INTO fbe_installed_features AS t (external_business_id, feature_instance_id, feature_type,
         feature_name, connected_assets, additional_info, enabled, disabled_reason, missing_assets)
       SELECT $1, f.feature_instance_id, f.feature_type, f.feature_name, f.connected_assets,
              f.additional_info, f.enabled, f.disabled_reason,
              ARRAY(SELECT jsonb_array_elements_text(f.missing_assets))
       FROM jsonb_to_recordset($2::jsonb) AS f(feature_instance_id text, feature_type text,
         feature_name text, connected_assets jsonb, additional_info jsonb, enabled boolean,
         disabled_reason text, missing_assets jsonb)
       ON CONFLICT (external_business_id, feature_instance_id) DO UPDATE SET
         feature_type = EXCLUDED.feature_type, feature_name = EXCLUDED.feature_name,
         connected_assets = EXCLUDED.connected_assets, additional_info = EXCLUDED.additional_info,
         enabled = EXCLUDED.enabled, disabled_reason = EXCLUDED.disabled_reason,
         missing_assets = EXCLUDED.missing_assets, updated_at = now()`,
      [id, JSON.stringify(records)],
    );
  }

  async function applyInstall(
    client: PoolClient,
    input: ApplyFbeChangeInput,
    change: Extract<FbeChange, { kind: 'install' }>,
  ): Promise<void> {
    const s = change.state;
    const t = change.token;
    await client.query(
      `UPDATE fbe_installations SET
         status = 'installed',
         business_manager_id = COALESCE($2, business_manager_id),
         pages = $3, instagram_profiles = $4, pixel_id = $5, catalog_id = $6, ad_account_id = $7,
         commerce_merchant_settings_id = $8,
         onsite_eligible = COALESCE($9, onsite_eligible),
         flow = COALESCE($10, flow),
         -- A new token comes with its own type; without one, the type may still be updated.
         token_type = CASE WHEN $12::text IS NOT NULL THEN $11 ELSE COALESCE($11, token_type) END,
         token_ciphertext = COALESCE($12, token_ciphertext),
         token_key_id = COALESCE($13, token_key_id),
         token_last4 = COALESCE($14, token_last4),
         installed_at = CASE WHEN status = 'installed' AND installed_at IS NOT NULL THEN installed_at ELSE $15 END,
         uninstalled_at = NULL,
         last_event_at = $15, last_event_id = $16,
         reconciled_at = CASE WHEN $17 THEN $15 ELSE reconciled_at END,
         updated_at = now()
       WHERE external_business_id = $1`,
      [
        input.externalBusinessId,
        s.businessManagerId ?? null,
        [...s.pages],
        [...s.instagramProfiles],
        s.pixelId ?? null,
        s.catalogId ?? null,
        s.adAccountId ?? null,
        s.commerceMerchantSettingsId ?? null,
        s.onsiteEligible ?? null,
        s.flow ?? null,
        s.tokenType ?? null,
        t?.ciphertext ?? null,
        t?.keyId ?? null,
        t?.last4 ?? null,
        input.at,
        input.eventId,
        input.source === 'reconcile',
      ],
    );
  }

  async function applyUninstall(
    client: PoolClient,
    input: ApplyFbeChangeInput,
    change: Extract<FbeChange, { kind: 'uninstall' }>,
  ): Promise<void> {
    // The business removed the app: its tokens are of no further use, so they are not kept.
    await client.query(
      `UPDATE fbe_installations SET
         status = 'uninstalled',
         business_manager_id = COALESCE($2, business_manager_id),
         uninstalled_at = $3,
         token_ciphertext = NULL, token_key_id = NULL, token_last4 = NULL, token_type = NULL,
         system_user_token_ciphertext = NULL, system_user_token_key_id = NULL,
         system_user_token_last4 = NULL, system_user_token_type = NULL, system_user_token_scopes = NULL,
         system_user_token_expires_at = NULL, system_user_token_checked_at = NULL,
         system_user_token_obtained_at = NULL,
         last_event_at = $3, last_event_id = $4,
         reconciled_at = CASE WHEN $5 THEN $3 ELSE reconciled_at END,
         updated_at = now()
       WHERE external_business_id = $1`,
      [
        input.externalBusinessId,
        change.state?.businessManagerId ?? null,
        input.at,
        input.eventId,
        input.source === 'reconcile',
      ],
    );
  }

  return {
    async apply(input) {
      return withTransaction(pool, async (client) => {
        const id = input.externalBusinessId;
        await client.query(
          `INSERT INTO fbe_installations (external_business_id, status, last_event_at)
           VALUES ($1, $2, $3) ON CONFLICT (external_business_id) DO NOTHING`,
          [id, input.change.kind === 'install' ? 'installed' : 'uninstalled', input.at],
        );
        const { rows } = await client.query<InstallationRow & { stale: boolean }>(
          `SELECT *, last_event_at > $2 AS stale FROM fbe_installations
           WHERE external_business_id = $1 FOR UPDATE`,
          [id, input.at],
        );
        const current = rows[0] as InstallationRow & { stale: boolean };
        const previous = (await featuresOf(client, [id])).get(id) ?? [];
        const outcome: ApplyOutcome = current.stale
          ? 'stale'
          : input.eventId !== null && current.last_event_id === input.eventId
            ? 'duplicate'
            : 'applied';
        if (outcome !== 'applied') return { outcome, installation: toInstallation(current, previous) };

        const { change } = input;
        if (change.kind === 'install') {
          await applyInstall(client, input, change);
          await writeFeatures(
            client,
            id,
            planInstalledFeatures(change.state.installedFeatures, change.state, previous),
          );
        } else {
          await applyUninstall(client, input, change);
          await writeFeatures(
            client,
            id,
            planUninstalledFeatures(change.state?.installedFeatures ?? [], previous),
          );
        }
        return {
          outcome,
          installation: await withFeatures(client, (await load(client, id)) as InstallationRow),
        };
      });
    },

    async get(externalBusinessId) {
      const row = await load(pool, externalBusinessId);
      return row ? withFeatures(pool, row) : null;
    },

    async list({ limit, cursor, status }) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (status) where.push(`status = $${params.push(status)}`);
      if (cursor) where.push(`external_business_id > $${params.push(decodeFbeCursor(cursor))}`);
      const { rows } = await pool.query<InstallationRow>(
        `SELECT * FROM fbe_installations ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY external_business_id LIMIT $${params.push(limit + 1)}`,
        params,
      );
      const page = rows.slice(0, limit);
      const features = await featuresOf(
        pool,
        page.map((r) => r.external_business_id),
      );
      const last = page.at(-1);
      return {
        items: page.map((r) => toInstallation(r, features.get(r.external_business_id) ?? [])),
        nextCursor: rows.length > limit && last ? encodeFbeCursor(last.external_business_id) : null,
      };
    },

    async tokens(externalBusinessId) {
      const row = await load(pool, externalBusinessId);
      if (!row) return null;
      const decrypt = (ciphertext: string | null, keyId: string | null) =>
        ciphertext === null || keyId === null ? null : cipher.decrypt({ ciphertext, keyId });
      return {
        installation: await withFeatures(pool, row),
        install: decrypt(row.token_ciphertext, row.token_key_id),
        systemUser: decrypt(row.system_user_token_ciphertext, row.system_user_token_key_id),
      };
    },

    async storeSystemUserToken(externalBusinessId, input) {
      const encrypted = cipher.encrypt(input.token);
      const { rows } = await pool.query<InstallationRow>(
        `UPDATE fbe_installations SET
           system_user_token_ciphertext = $2, system_user_token_key_id = $3,
           system_user_token_last4 = $4, system_user_token_type = $5, system_user_token_scopes = $6,
           system_user_token_expires_at = $7, system_user_token_checked_at = $8,
           system_user_token_obtained_at = $9, updated_at = now()
         WHERE external_business_id = $1 AND status = 'installed'
         RETURNING *`,
        [
          externalBusinessId,
          encrypted.ciphertext,
          encrypted.keyId,
          input.token.slice(-4),
          input.type,
          [...input.scopes],
          input.expiresAt,
          input.checkedAt,
          input.obtainedAt,
        ],
      );
      const row = rows[0];
      return row ? withFeatures(pool, row) : null;
    },
  };
}
