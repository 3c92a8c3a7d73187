import type { Pool, Queryable } from '@omnistream/db';
import type {
  Channel,
  ConnectionError,
  ConnectionStatus,
  Integration,
  IntegrationStatus,
  TokenType,
} from './integration.ts';
import { type TokenCipher, tokenLast4 } from './token-cipher.ts';

export interface NewIntegration {
  channel: Channel;
  name?: string | null;
  phoneNumberId?: string | null;
  wabaId?: string | null;
  pageId?: string | null;
  igUserId?: string | null;
  businessManagerId?: string | null;
  token: string;
  tokenType?: TokenType;
  tokenExpiresAt?: Date | null;
}

export interface IntegrationPatch {
  name?: string | null;
  wabaId?: string | null;
  businessManagerId?: string | null;
  status?: IntegrationStatus;
  needsReauth?: boolean;
}

export interface ListIntegrationsQuery {
  channel?: Channel;
  status?: IntegrationStatus;
  connectionStatus?: ConnectionStatus;
  limit?: number;
  /** Opaque cursor from a previous page's nextCursor. */
  cursor?: string | null;
}

/**
 * Which token a check was about: the integration as it was read together with that token. A result
 * is recorded only while the row still holds it, so a check racing a rotation cannot mark the new
 * token with the old one's verdict.
 */
export interface CheckedToken {
  tokenLast4: string;
  rotatedAt: Date | null;
}

/** SQL: the row still holds the token described by $a (last 4) and $b (rotated_at, ms precision). */
const stillHolds = (a: number, b: number) =>
  `token_last4 = $${a} AND date_trunc('milliseconds', rotated_at) IS NOT DISTINCT FROM $${b}::timestamptz`;

export interface ActiveIntegrationToken {
  integration: Integration;
  token: string;
}

/** A second active integration for the same channel and account. */
export class IntegrationConflictError extends Error {
  override name = 'IntegrationConflictError';
}

interface Row {
  id: string;
  channel: Channel;
  name: string | null;
  phone_number_id: string | null;
  waba_id: string | null;
  page_id: string | null;
  ig_user_id: string | null;
  business_manager_id: string | null;
  token_ciphertext: string;
  token_key_id: string;
  token_last4: string;
  token_type: TokenType;
  token_expires_at: Date | null;
  status: IntegrationStatus;
  needs_reauth: boolean;
  connection_status: ConnectionStatus;
  connection_error: ConnectionError | null;
  verified_at: Date | null;
  created_at: Date;
  updated_at: Date;
  rotated_at: Date | null;
}

function toIntegration(r: Row): Integration {
  return {
    id: r.id,
    channel: r.channel,
    name: r.name,
    phoneNumberId: r.phone_number_id,
    wabaId: r.waba_id,
    pageId: r.page_id,
    igUserId: r.ig_user_id,
    businessManagerId: r.business_manager_id,
    tokenLast4: r.token_last4,
    tokenType: r.token_type,
    tokenKeyId: r.token_key_id,
    tokenExpiresAt: r.token_expires_at,
    status: r.status,
    needsReauth: r.needs_reauth,
    connectionStatus: r.connection_status,
    connectionError: r.connection_error,
    verifiedAt: r.verified_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    rotatedAt: r.rotated_at,
  };
}

// The cursor carries created_at as PostgreSQL's own text (microseconds): a JS Date keeps only
// milliseconds, and a truncated cursor repeats rows created within the same millisecond.
function encodeCursor(r: Row & { cursor_created_at: string }): string {
  return Buffer.from(JSON.stringify([r.cursor_created_at, r.id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'string')
      return [value[0], value[1]];
  } catch {}
  throw new RangeError('invalid pagination cursor');
}

function rethrowConflict(err: unknown): never {
  if ((err as { code?: string }).code === '23505') {
    throw new IntegrationConflictError('an active integration already exists for this channel and account', {
      cause: err,
    });
  }
  throw err;
}

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
  /** Every active integration with its decrypted token (the TokenProvider's snapshot). */
  loadActiveTokens(): Promise<ActiveIntegrationToken[]>;
  /**
   * Re-encrypts every stored token not under the current key (integrations and FBE installs);
   * returns how many tokens changed.
   */
  reencryptAll(): Promise<{ reencrypted: number }>;
}

interface EncryptedTokenColumn {
  table: string;
  pk: string;
  ciphertext: string;
  keyId: string;
}

/**
 * Every column holding a token encrypted with the token cipher. A table that stores a token adds
 * its columns here, so key rotation (`pnpm keys:reencrypt`, `POST /admin/keys/reencrypt`) covers it.
 */
const ENCRYPTED_TOKEN_COLUMNS: readonly EncryptedTokenColumn[] = [
  { table: 'integrations', pk: 'id', ciphertext: 'token_ciphertext', keyId: 'token_key_id' },
  // FBE installs (migration 005): the webhook's token and the client business's system-user token.
  {
    table: 'fbe_installations',
    pk: 'external_business_id',
    ciphertext: 'token_ciphertext',
    keyId: 'token_key_id',
  },
  {
    table: 'fbe_installations',
    pk: 'external_business_id',
    ciphertext: 'system_user_token_ciphertext',
    keyId: 'system_user_token_key_id',
  },
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createIntegrationsRepository(deps: {
  pool: Pool;
  cipher: TokenCipher;
}): IntegrationsRepository {
  const { pool, cipher } = deps;

  async function getWith(db: Queryable, id: string): Promise<Integration | null> {
    if (!UUID.test(id)) return null;
    const { rows } = await db.query<Row>('SELECT * FROM integrations WHERE id = $1', [id]);
    return rows[0] ? toIntegration(rows[0]) : null;
  }

  async function reencryptColumn(c: EncryptedTokenColumn): Promise<number> {
    let done = 0;
    // Small batches under row locks: a concurrent rotation waits for the batch (or the batch
    // waits for it), so no token is overwritten with a stale value.
    for (;;) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rows } = await client.query<{ pk: string; ciphertext: string; key_id: string }>(
          `SELECT ${c.pk} AS pk, ${c.ciphertext} AS ciphertext, ${c.keyId} AS key_id FROM ${c.table}
           WHERE ${c.keyId} <> $1 ORDER BY ${c.pk} LIMIT 100 FOR UPDATE`,
          [cipher.currentKeyId],
        );
        for (const r of rows) {
          const enc = cipher.encrypt(cipher.decrypt({ ciphertext: r.ciphertext, keyId: r.key_id }));
          await client.query(
            `UPDATE ${c.table} SET ${c.ciphertext} = $2, ${c.keyId} = $3 WHERE ${c.pk} = $1`,
            [r.pk, enc.ciphertext, enc.keyId],
          );
        }
        await client.query('COMMIT');
        done += rows.length;
        if (rows.length === 0) return done;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    }
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
        const [createdAt, id] = decodeCursor(query.cursor);
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
            throw new RangeError('invalid pagination cursor', { cause: err });
          throw err;
        });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(toIntegration),
        nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
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

    async reencryptAll() {
      let reencrypted = 0;
      for (const column of ENCRYPTED_TOKEN_COLUMNS) reencrypted += await reencryptColumn(column);
      return { reencrypted };
    },
  };
}
