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

/** An admin_api_keys row as selected with `*`. */
export interface AdminKeyRow {
  id: string;
  name: string;
  key_hash: Buffer;
  key_prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** A row as listed: never the key or its hash. */
export const toKey = (r: AdminKeyRow): AdminKey => ({
  id: r.id,
  name: r.name,
  prefix: shownHint(r.key_prefix),
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GENERATED_MARKER = 'osk_';

/**
 * What a listing shows of a key so admins can tell keys apart: `osk_` for a generated key (a fixed
 * marker, no secret) and the last 4 characters, e.g. `osk_…x9Qa`. An ADMIN_API_KEY is operator
 * chosen and may be much weaker than 256 bits, so no more of it than that is ever shown. Stored in
 * key_prefix (migration 004 named it for the 12 leading characters once kept there).
 */
export function keyHint(key: string): string {
  return `${key.startsWith(GENERATED_MARKER) ? GENERATED_MARKER : ''}…${key.slice(-4)}`;
}

/** Rows written before hints hold the key's first 12 characters: only a marker's worth is shown. */
const shownHint = (stored: string) => (stored.includes('…') ? stored : `${stored.slice(0, 4)}…`);
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
      const { rows } = await pool.query<AdminKeyRow>(
        'INSERT INTO admin_api_keys (name, key_hash, key_prefix) VALUES ($1, $2, $3) RETURNING *',
        [name, hashKey(key), keyHint(key)],
      );
      return { key, adminKey: toKey(rows[0] as AdminKeyRow) };
    },

    async ensure({ name, key }) {
      // An existing row gets the hint too: one stored before hints shows 12 characters of the key.
      // (xmax = 0): the row was inserted, not updated.
      const { rows } = await pool.query<{ inserted: boolean }>(
        `INSERT INTO admin_api_keys (name, key_hash, key_prefix) VALUES ($1, $2, $3)
         ON CONFLICT (key_hash) DO UPDATE SET key_prefix = EXCLUDED.key_prefix
         RETURNING (xmax = 0) AS inserted`,
        [name, hashKey(key), keyHint(key)],
      );
      return { created: rows[0]?.inserted === true };
    },

    async authenticate(key) {
      const hash = hashKey(key);
      const { rows } = await pool.query<AdminKeyRow>(
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
      const { rows } = await pool.query<AdminKeyRow>('SELECT * FROM admin_api_keys ORDER BY created_at, id');
      return rows.map(toKey);
    },

    async revoke(id) {
      if (!UUID.test(id)) return null;
      const { rows } = await pool.query<AdminKeyRow>(
        `UPDATE admin_api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING *`,
        [id],
      );
      return rows[0] ? toKey(rows[0]) : null;
    },
  };
}
