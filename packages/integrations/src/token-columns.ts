import { type Pool, type PoolClient, type Queryable, withTransaction } from '@omnistream/db';
import type { TokenCipher } from './token-cipher.ts';

export interface EncryptedTokenColumn {
  table: string;
  pk: string;
  ciphertext: string;
  keyId: string;
}

/**
 * Every column holding a token encrypted with the token cipher. A table that stores a token adds
 * its columns here, so key rotation (`pnpm keys:reencrypt`, `POST /admin/keys/reencrypt`) covers it.
 */
export const ENCRYPTED_TOKEN_COLUMNS: readonly EncryptedTokenColumn[] = [
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

/**
 * Re-encrypts every token of `columns` not under the cipher's current key; returns how many
 * changed. On a pool each batch is its own transaction; on a client, the caller's transaction.
 */
export async function reencryptTokenColumns(
  db: Queryable,
  cipher: TokenCipher,
  columns: readonly EncryptedTokenColumn[] = ENCRYPTED_TOKEN_COLUMNS,
): Promise<number> {
  let reencrypted = 0;
  for (const column of columns) reencrypted += await reencryptColumn(db, cipher, column);
  return reencrypted;
}

/** A pool hands out clients per transaction; a PoolClient (it has release) is already in one. */
function isPool(db: Queryable): db is Pool {
  return typeof (db as Pool).connect === 'function' && typeof (db as PoolClient).release !== 'function';
}

async function reencryptBatch(db: Queryable, cipher: TokenCipher, c: EncryptedTokenColumn): Promise<number> {
  const { rows } = await db.query<{ pk: string; ciphertext: string; key_id: string }>(
    `SELECT ${c.pk} AS pk, ${c.ciphertext} AS ciphertext, ${c.keyId} AS key_id FROM ${c.table}
     WHERE ${c.keyId} <> $1 ORDER BY ${c.pk} LIMIT 100 FOR UPDATE`,
    [cipher.currentKeyId],
  );
  for (const r of rows) {
    const enc = cipher.encrypt(cipher.decrypt({ ciphertext: r.ciphertext, keyId: r.key_id }));
    await db.query(`UPDATE ${c.table} SET ${c.ciphertext} = $2, ${c.keyId} = $3 WHERE ${c.pk} = $1`, [
      r.pk,
      enc.ciphertext,
      enc.keyId,
    ]);
  }
  return rows.length;
}

async function reencryptColumn(db: Queryable, cipher: TokenCipher, c: EncryptedTokenColumn): Promise<number> {
  let done = 0;
  // Small batches under row locks: a concurrent rotation waits for the batch (or the batch
  // waits for it), so no token is overwritten with a stale value.
  for (;;) {
    const n = isPool(db)
      ? await withTransaction(db, (client) => reencryptBatch(client, cipher, c))
      : await reencryptBatch(db, cipher, c);
    done += n;
    if (n === 0) return done;
  }
}
