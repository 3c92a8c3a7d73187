import type { Queryable } from '@omnistream/db';
import { InvalidCursorError } from '@omnistream/service-kit/domain';
import type {
  ActiveIntegrationToken,
  Channel,
  CheckedToken,
  ConnectionError,
  Integration,
  IntegrationPatch,
  ListIntegrationsQuery,
  NewIntegration,
  TokenType,
} from './integration.ts';
import {
  decodeIntegrationCursor,
  encodeIntegrationCursor,
  type Row,
  rethrowConflict,
  stillHolds,
  toIntegration,
  UUID,
} from './integration-rows.ts';
import { type TokenCipher, tokenLast4 } from './token-cipher.ts';
import { reencryptTokenColumns } from './token-columns.ts';

export type {
  ActiveIntegrationToken,
  CheckedToken,
  IntegrationPatch,
  ListIntegrationsQuery,
  NewIntegration,
} from './integration.ts';
export { IntegrationConflictError } from './integration-rows.ts';

export interface IntegrationsRepository {
  create(input: NewIntegration): Promise<Integration>;
  get(id: string): Promise<Integration | null>;
  /** The integration with its decrypted token, whatever its status (token checks). */
  getWithToken(id: string): Promise<{ integration: Integration; token: string } | null>;
  list(query?: ListIntegrationsQuery): Promise<{ items: Integration[]; nextCursor: string | null }>;
  update(id: string, patch: IntegrationPatch): Promise<Integration | null>;
  /** Stores a new token encrypted under the current key; clears needs_reauth; records rotated_at. */
  rotateToken(
    id: string,
    input: { token: string; tokenType?: TokenType; tokenExpiresAt?: Date | null },
  ): Promise<Integration | null>;
  /**
   * Records a token check: connected (clears needs_reauth) or error with Meta's explanation.
   */
  recordVerification(
    id: string,
    result: { ok: true; tokenExpiresAt?: Date | null } | { ok: false; error: ConnectionError },
    checked?: CheckedToken,
  ): Promise<Integration | null>;
  /**
   * Meta refused the integration's token (190): flags needs_reauth and records Meta's error as the
   * connection error, in one write, unless the token was rotated since `checked` was read (then the
   * new token has not been refused, and nothing changes). Returns whether the flag was set.
   */
  flagNeedsReauth(id: string, checked: CheckedToken, error: ConnectionError): Promise<boolean>;
  /**
   * The active integration of a channel's account, its row locked FOR UPDATE until the transaction
   * ends: bind the repository to a transaction's client (withTransaction) to create-or-update one
   * account without racing another writer. Account: phone number id, Page id or IG user id.
   */
  findActiveForUpdate(where: { channel: Channel; accountId: string }): Promise<Integration | null>;
  /** Every active integration with its decrypted token (the TokenProvider's snapshot). */
  loadActiveTokens(): Promise<ActiveIntegrationToken[]>;
  /**
   * Re-encrypts every stored token not under the current key (integrations and FBE installs);
   * returns how many tokens changed.
   */
  reencryptAll(): Promise<{ reencrypted: number }>;
}

/**
 * The one place that reads and writes the `integrations` table. `pool` is any queryable: the pool,
 * or a transaction's client, so several calls commit or roll back together.
 */
export function createIntegrationsRepository(deps: {
  pool: Queryable;
  cipher: TokenCipher;
}): IntegrationsRepository {
  const { pool, cipher } = deps;

  async function getWith(db: Queryable, id: string): Promise<Integration | null> {
    if (!UUID.test(id)) return null;
    const { rows } = await db.query<Row>('SELECT * FROM integrations WHERE id = $1', [id]);
    return rows[0] ? toIntegration(rows[0]) : null;
  }

  return {
    async create(input) {
      const enc = cipher.encrypt(input.token);
      try {
        const { rows } = await pool.query<Row>(
          `INSERT INTO integrations (channel, name, phone_number_id, waba_id, page_id, ig_user_id, business_manager_id,
             token_ciphertext, token_key_id, token_last4, token_type, token_expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING *`,
          [
            input.channel,
            input.name ?? null,
            input.phoneNumberId ?? null,
            input.wabaId ?? null,
            input.pageId ?? null,
            input.igUserId ?? null,
            input.businessManagerId ?? null,
            enc.ciphertext,
            enc.keyId,
            tokenLast4(input.token),
            input.tokenType ?? 'system_user',
            input.tokenExpiresAt ?? null,
          ],
        );
        return toIntegration(rows[0] as Row);
      } catch (err) {
        rethrowConflict(err);
      }
    },

    get: (id) => getWith(pool, id),

    async getWithToken(id) {
      if (!UUID.test(id)) return null;
      const { rows } = await pool.query<Row>('SELECT * FROM integrations WHERE id = $1', [id]);
      const r = rows[0];
      if (!r) return null;
      return {
        integration: toIntegration(r),
        token: cipher.decrypt({ ciphertext: r.token_ciphertext, keyId: r.token_key_id }),
      };
    },

    async list(query = {}) {
      const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
      const where: string[] = [];
      const params: unknown[] = [];
      if (query.channel) where.push(`channel = $${params.push(query.channel)}`);
      if (query.status) where.push(`status = $${params.push(query.status)}`);
      if (query.connectionStatus) where.push(`connection_status = $${params.push(query.connectionStatus)}`);
      if (query.cursor) {
        const [createdAt, id] = decodeIntegrationCursor(query.cursor);
        where.push(`(created_at, id) > ($${params.push(createdAt)}::timestamptz, $${params.push(id)}::uuid)`);
      }
      const rows = await pool
        .query<Row & { cursor_created_at: string }>(
          `SELECT *, created_at::text AS cursor_created_at FROM integrations
           ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
           ORDER BY created_at, id LIMIT $${params.push(limit + 1)}`,
          params,
        )
        .then((r) => r.rows)
        .catch((err: unknown) => {
          // A tampered cursor that still decodes fails PostgreSQL's casts (data exception, class 22).
          if (query.cursor && /^22/.test(String((err as { code?: unknown }).code)))
            throw new InvalidCursorError('invalid pagination cursor', { cause: err });
          throw err;
        });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(toIntegration),
        nextCursor: rows.length > limit && last ? encodeIntegrationCursor(last) : null,
      };
    },

    async update(id, patch) {
      if (!UUID.test(id)) return null;
      const sets: string[] = [];
      const params: unknown[] = [id];
      const columns: [keyof IntegrationPatch, string][] = [
        ['name', 'name'],
        ['wabaId', 'waba_id'],
        ['businessManagerId', 'business_manager_id'],
        ['status', 'status'],
        ['needsReauth', 'needs_reauth'],
      ];
      for (const [key, column] of columns) {
        if (patch[key] !== undefined) sets.push(`${column} = $${params.push(patch[key])}`);
      }
      if (sets.length === 0) return getWith(pool, id);
      try {
        const { rows } = await pool.query<Row>(
          `UPDATE integrations SET ${sets.join(', ')}, updated_at = now() WHERE id = $1 RETURNING *`,
          params,
        );
        return rows[0] ? toIntegration(rows[0]) : null;
      } catch (err) {
        rethrowConflict(err);
      }
    },

    async rotateToken(id, input) {
      if (!UUID.test(id)) return null;
      const enc = cipher.encrypt(input.token);
      const { rows } = await pool.query<Row>(
        `UPDATE integrations SET token_ciphertext = $2, token_key_id = $3, token_last4 = $4,
           token_type = COALESCE($5, token_type), token_expires_at = $6,
           needs_reauth = false, rotated_at = now(), updated_at = now(),
           connection_status = 'pending', connection_error = NULL
         WHERE id = $1 RETURNING *`,
        [
          id,
          enc.ciphertext,
          enc.keyId,
          tokenLast4(input.token),
          input.tokenType ?? null,
          input.tokenExpiresAt ?? null,
        ],
      );
      return rows[0] ? toIntegration(rows[0]) : null;
    },

    async recordVerification(id, result, checked) {
      if (!UUID.test(id)) return null;
      const guard = (first: number) => (checked ? `AND ${stillHolds(first, first + 1)}` : '');
      const guardParams = checked ? [checked.tokenLast4, checked.rotatedAt] : [];
      const { rows } = result.ok
        ? await pool.query<Row>(
            `UPDATE integrations SET connection_status = 'connected', connection_error = NULL,
               verified_at = now(), needs_reauth = false,
               token_expires_at = CASE WHEN $2::boolean THEN $3::timestamptz ELSE token_expires_at END,
               updated_at = now()
             WHERE id = $1 ${guard(4)} RETURNING *`,
            [id, result.tokenExpiresAt !== undefined, result.tokenExpiresAt ?? null, ...guardParams],
          )
        : await pool.query<Row>(
            `UPDATE integrations SET connection_status = 'error', connection_error = $2,
               verified_at = now(), updated_at = now()
             WHERE id = $1 ${guard(3)} RETURNING *`,
            [id, JSON.stringify(result.error), ...guardParams],
          );
      if (rows[0]) return toIntegration(rows[0]);
      // Rotated meanwhile: the verdict was about a token the row no longer holds.
      return checked ? getWith(pool, id) : null;
    },

    async flagNeedsReauth(id, checked, error) {
      if (!UUID.test(id)) return false;
      const { rowCount } = await pool.query(
        `UPDATE integrations SET needs_reauth = true, connection_status = 'error', connection_error = $4,
           verified_at = now(), updated_at = now()
         WHERE id = $1 AND ${stillHolds(2, 3)}`,
        [id, checked.tokenLast4, checked.rotatedAt, JSON.stringify(error)],
      );
      return rowCount === 1;
    },

    async loadActiveTokens() {
      const { rows } = await pool.query<Row>(`SELECT * FROM integrations WHERE status = 'active'`);
      return rows.map((r) => ({
        integration: toIntegration(r),
        token: cipher.decrypt({ ciphertext: r.token_ciphertext, keyId: r.token_key_id }),
      }));
    },

    async findActiveForUpdate(where) {
      // integration_account_id() is the expression of the one-active-per-account index
      // (migration 001), so this finds exactly the row a create would conflict with.
      const { rows } = await pool.query<Row>(
        `SELECT * FROM integrations
         WHERE status = 'active' AND channel = $1
           AND integration_account_id(channel, phone_number_id, page_id, ig_user_id) = $2
         FOR UPDATE`,
        [where.channel, where.accountId],
      );
      return rows[0] ? toIntegration(rows[0]) : null;
    },

    async reencryptAll() {
      return { reencrypted: await reencryptTokenColumns(pool, cipher) };
    },
  };
}
