import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from '@omnistream/db';

export type OauthProvider = 'instagram' | 'messenger';

/** Meta's dialogs are done in a minute or two; 10 minutes leave room for a slow login, not more. */
export const STATE_TTL_SECONDS = 10 * 60;
/** Expired states are kept this long so a late callback is told "expired" rather than "unknown". */
const KEEP_EXPIRED_SECONDS = 24 * 60 * 60;

export interface StartedState {
  /** The value for the dialog's `state` parameter; never stored, only its hash is. */
  state: string;
  expiresAt: Date;
}

export interface ConsumedState {
  provider: OauthProvider;
  adminKeyId: string;
  redirectUri: string;
}

/** Why a state was refused; each maps to a message the admin can act on. */
export type StateRefusal = 'unknown' | 'used' | 'expired' | 'wrong_provider' | 'admin_key_revoked';

export interface OauthStatesRepository {
  create(input: { provider: OauthProvider; adminKeyId: string; redirectUri: string }): Promise<StartedState>;
  /**
   * Consumes the state for `provider` at most once; the refusal explains any other outcome. A state
   * of the wrong provider is left unconsumed: it still works on its own callback.
   */
  consume(
    state: string,
    provider: OauthProvider,
  ): Promise<{ ok: true; state: ConsumedState } | { ok: false; reason: StateRefusal }>;
}

// Anything else cannot be a state we issued (base64url of 32 bytes), so it is not even looked up.
const STATE_FORMAT = /^[A-Za-z0-9_-]{43}$/;
const hashState = (state: string) => createHash('sha256').update(state, 'utf8').digest();

interface Row {
  provider: OauthProvider;
  admin_key_id: string;
  redirect_uri: string;
  consumed_at: Date | null;
  expired: boolean;
  key_revoked: boolean;
}

export function createOauthStatesRepository(deps: { pool: Pool }): OauthStatesRepository {
  const { pool } = deps;
  return {
    async create({ provider, adminKeyId, redirectUri }) {
      const state = randomBytes(32).toString('base64url');
      await pool.query(`DELETE FROM oauth_states WHERE expires_at < now() - make_interval(secs => $1)`, [
        KEEP_EXPIRED_SECONDS,
      ]);
      const { rows } = await pool.query<{ expires_at: Date }>(
        `INSERT INTO oauth_states (state_hash, provider, admin_key_id, redirect_uri, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5)) RETURNING expires_at`,
        [hashState(state), provider, adminKeyId, redirectUri, STATE_TTL_SECONDS],
      );
      return { state, expiresAt: (rows[0] as { expires_at: Date }).expires_at };
    },

    async consume(state, provider) {
      if (!STATE_FORMAT.test(state)) return { ok: false, reason: 'unknown' };
      const hash = hashState(state);
      const { rows } = await pool.query<Row>(
        `UPDATE oauth_states s SET consumed_at = now()
         WHERE s.state_hash = $1 AND s.provider = $2 AND s.consumed_at IS NULL AND s.expires_at > now()
           AND EXISTS (SELECT 1 FROM admin_api_keys k WHERE k.id = s.admin_key_id AND k.revoked_at IS NULL)
         RETURNING s.provider, s.admin_key_id, s.redirect_uri`,
        [hash, provider],
      );
      const consumed = rows[0];
      if (consumed) {
        return {
          ok: true,
          state: {
            provider: consumed.provider,
            adminKeyId: consumed.admin_key_id,
            redirectUri: consumed.redirect_uri,
          },
        };
      }
      // Not consumed: read the row only to explain why (the decision above was atomic).
      const { rows: found } = await pool.query<Row>(
        `SELECT s.provider, s.consumed_at, s.expires_at <= now() AS expired,
                NOT EXISTS (SELECT 1 FROM admin_api_keys k WHERE k.id = s.admin_key_id AND k.revoked_at IS NULL)
                  AS key_revoked
         FROM oauth_states s WHERE s.state_hash = $1`,
        [hash],
      );
      const row = found[0];
      if (!row) return { ok: false, reason: 'unknown' };
      if (row.provider !== provider) return { ok: false, reason: 'wrong_provider' };
      if (row.consumed_at !== null) return { ok: false, reason: 'used' };
      if (row.expired) return { ok: false, reason: 'expired' };
      if (row.key_revoked) return { ok: false, reason: 'admin_key_revoked' };
      // Consumed by a concurrent callback between the two statements.
      return { ok: false, reason: 'used' };
    },
  };
}
