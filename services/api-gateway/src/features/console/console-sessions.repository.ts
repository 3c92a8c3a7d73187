import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Pool } from '@omnistream/db';
import { type AdminKey, type AdminKeyRow, toKey } from '../admin-keys/index.ts';

/** A console session as the auth hook and the session routes see it: never its token. */
export interface ConsoleSession {
  id: string;
  csrfToken: string;
  expiresAt: Date;
  adminKey: AdminKey;
}

export interface ConsoleSessionsRepository {
  /** A new session of the key: the token (for the cookie) is returned only here. */
  create(input: { adminKeyId: string; ttlMs: number }): Promise<{ token: string; session: ConsoleSession }>;
  /** The session when it exists, is not expired or signed out, and its admin key is not revoked. */
  authenticate(token: string): Promise<ConsoleSession | null>;
  /** Signs the session out; false when it was not active. */
  revoke(id: string): Promise<boolean>;
}

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest();
/** Sessions expired longer than this are deleted at the next sign-in (a bounded table, no job). */
const KEEP_EXPIRED_MS = 24 * 3_600_000;
// 256 random bits in base64url: the cookie value; nothing else can be one.
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

type SessionRow = AdminKeyRow & {
  session_id: string;
  csrf_token: string;
  expires_at: Date;
  session_hash: Buffer;
};

export function createConsoleSessionsRepository(deps: { pool: Pool }): ConsoleSessionsRepository {
  const { pool } = deps;
  return {
    async create({ adminKeyId, ttlMs }) {
      await pool.query('DELETE FROM console_sessions WHERE expires_at < $1', [
        new Date(Date.now() - KEEP_EXPIRED_MS),
      ]);
      const token = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(32).toString('base64url');
      const { rows } = await pool.query<{ id: string; expires_at: Date }>(
        `INSERT INTO console_sessions (token_hash, csrf_token, admin_key_id, expires_at)
         VALUES ($1, $2, $3, $4) RETURNING id, expires_at`,
        [hashToken(token), csrfToken, adminKeyId, new Date(Date.now() + ttlMs)],
      );
      const row = rows[0] as { id: string; expires_at: Date };
      const session = await sessionById(pool, row.id);
      if (!session) throw new Error('console session vanished after insert');
      return { token, session };
    },

    async authenticate(token) {
      if (!TOKEN.test(token)) return null;
      const hash = hashToken(token);
      const { rows } = await pool.query<SessionRow>(`${SELECT} WHERE s.token_hash = $1 AND ${ACTIVE}`, [
        hash,
      ]);
      const row = rows[0];
      if (!row || !timingSafeEqual(row.session_hash, hash)) return null;
      return toSession(row);
    },

    async revoke(id) {
      const { rowCount } = await pool.query(
        'UPDATE console_sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL',
        [id],
      );
      return rowCount === 1;
    },
  };
}

const SELECT = `SELECT k.*, s.id AS session_id, s.csrf_token, s.expires_at, s.token_hash AS session_hash
  FROM console_sessions s JOIN admin_api_keys k ON k.id = s.admin_key_id`;
const ACTIVE = 's.revoked_at IS NULL AND s.expires_at > now() AND k.revoked_at IS NULL';

async function sessionById(pool: Pool, id: string): Promise<ConsoleSession | null> {
  const { rows } = await pool.query<SessionRow>(`${SELECT} WHERE s.id = $1 AND ${ACTIVE}`, [id]);
  return rows[0] ? toSession(rows[0]) : null;
}

const toSession = (row: SessionRow): ConsoleSession => ({
  id: row.session_id,
  csrfToken: row.csrf_token,
  expiresAt: row.expires_at,
  adminKey: toKey(row),
});
