import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Pool } from '@omnistream/db';

/** An admin key as listed: never the key or its hash. */
export interface AdminKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

interface Row {
  id: string;
  name: string;
  key_hash: Buffer;
  key_prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const toKey = (r: Row): AdminKey => ({
  id: r.id,
  name: r.name,
  prefix: r.key_prefix,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Shown with listed keys so admins can tell them apart; 12 characters reveal 48 of 256 bits. */
const PREFIX_LENGTH = 12;
/** last_used_at is written at most this often per key, so a busy admin client does not write per call. */
const LAST_USED_RESOLUTION_MS = 60_000;

const hashKey = (key: string) => createHash('sha256').update(key, 'utf8').digest();

/** A new random key: `osk_` and 256 random bits in base64url. */
export function generateAdminKey(): string {
  return `osk_${randomBytes(32).toString('base64url')}`;
}

export interface AdminKeysRepository {
  /** Stores a new key (generated unless given) and returns it: the only time it is ever visible. */
  create(input: { name: string; key?: string }): Promise<{ key: string; adminKey: AdminKey }>;
  /** Stores `key` under `name` unless a key with the same hash exists (the ADMIN_API_KEY bootstrap). */
  ensure(input: { name: string; key: string }): Promise<{ created: boolean }>;
  /** The key's record when it exists and is not revoked; null otherwise. */
  authenticate(key: string): Promise<AdminKey | null>;
  list(): Promise<AdminKey[]>;
  revoke(id: string): Promise<AdminKey | null>;
}

export function createAdminKeysRepository(deps: { pool: Pool }): AdminKeysRepository {
  const { pool } = deps;
  const lastTouched = new Map<string, number>();

  return {
    async create({ name, key = generateAdminKey() }) {
      const { rows } = await pool.query<Row>(
        'INSERT INTO admin_api_keys (name, key_hash, key_prefix) VALUES ($1, $2, $3) RETURNING *',
        [name, hashKey(key), key.slice(0, PREFIX_LENGTH)],
      );
      return { key, adminKey: toKey(rows[0] as Row) };
    },

    async ensure({ name, key }) {
      const { rowCount } = await pool.query(
        `INSERT INTO admin_api_keys (name, key_hash, key_prefix) VALUES ($1, $2, $3)
         ON CONFLICT (key_hash) DO NOTHING`,
        [name, hashKey(key), key.slice(0, PREFIX_LENGTH)],
      );
      return { created: rowCount === 1 };
    },

    async authenticate(key) {
      const hash = hashKey(key);
      const { rows } = await pool.query<Row>(
        'SELECT * FROM admin_api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
        [hash],
      );
      const row = rows[0];
      // The index lookup already matched; the constant-time compare keeps the decision itself
      // independent of how many leading bytes matched, whatever the planner did.
      if (!row || !timingSafeEqual(row.key_hash, hash)) return null;
      const now = Date.now();
      if (now - (lastTouched.get(row.id) ?? 0) >= LAST_USED_RESOLUTION_MS) {
        lastTouched.set(row.id, now);
        await pool.query('UPDATE admin_api_keys SET last_used_at = now() WHERE id = $1', [row.id]);
        row.last_used_at = new Date(now);
      }
      return toKey(row);
    },

    async list() {
      const { rows } = await pool.query<Row>('SELECT * FROM admin_api_keys ORDER BY created_at, id');
      return rows.map(toKey);
    },

    async revoke(id) {
      if (!UUID.test(id)) return null;
      const { rows } = await pool.query<Row>(
        `UPDATE admin_api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING *`,
        [id],
      );
      return rows[0] ? toKey(rows[0]) : null;
    },
  };
}
