import { type Pool, withTransaction } from '@omnistream/db';

/** One person's id in one app (`app`) or on one Page (`page`) of the business. */
export interface IdentityLink {
  scope: 'app' | 'page';
  /** The app id or the Page id. */
  scopeId: string;
  scopeName: string | null;
  /** The person's app-scoped or page-scoped id there. */
  scopedId: string;
}

export interface StoredIdentityLink extends IdentityLink {
  firstLinkedAt: Date;
  refreshedAt: Date;
}

export interface ContactIdentitiesRepository {
  /**
   * Makes the contact's stored links Meta's latest answer: upserts every link (idempotent: the same
   * answer twice leaves the same rows) and removes those Meta no longer returns. One transaction.
   */
  replace(input: {
    integrationId: string;
    contactId: string;
    links: readonly IdentityLink[];
    at: Date;
  }): Promise<StoredIdentityLink[]>;
  list(integrationId: string, contactId: string): Promise<StoredIdentityLink[]>;
}

interface Row {
  scope: 'app' | 'page';
  scope_id: string;
  scope_name: string | null;
  scoped_id: string;
  first_linked_at: Date;
  refreshed_at: Date;
}

const toLink = (r: Row): StoredIdentityLink => ({
  scope: r.scope,
  scopeId: r.scope_id,
  scopeName: r.scope_name,
  scopedId: r.scoped_id,
  firstLinkedAt: r.first_linked_at,
  refreshedAt: r.refreshed_at,
});

const LIST_SQL = `SELECT * FROM contact_identities WHERE integration_id = $1 AND contact_id = $2
  ORDER BY scope, scope_id`;

export function createContactIdentitiesRepository(deps: { pool: Pool }): ContactIdentitiesRepository {
  const { pool } = deps;
  return {
    async replace({ integrationId, contactId, links, at }) {
      // One row per app or Page: a person has one id in each, and a doubled entry in Meta's answer
      // must not make the upsert touch a row twice.
      const unique = new Map<string, IdentityLink>();
      for (const l of links) unique.set(`${l.scope}:${l.scopeId}`, l);
      const records = JSON.stringify(
        [...unique.values()].map((l) => ({
          scope: l.scope,
          scope_id: l.scopeId,
          scope_name: l.scopeName,
          scoped_id: l.scopedId,
        })),
      );
      return withTransaction(pool, async (client) => {
        await client.query(
          `INSERT INTO contact_identities (integration_id, contact_id, scope, scope_id, scope_name,
             scoped_id, first_linked_at, refreshed_at)
           SELECT $1, $2, l.scope, l.scope_id, l.scope_name, l.scoped_id, $3, $3
           FROM jsonb_to_recordset($4::jsonb) AS l(scope text, scope_id text, scope_name text, scoped_id text)
           ON CONFLICT (integration_id, contact_id, scope, scope_id) DO UPDATE SET
             scope_name = EXCLUDED.scope_name, scoped_id = EXCLUDED.scoped_id,
             refreshed_at = EXCLUDED.refreshed_at`,
          [integrationId, contactId, at, records],
        );
        await client.query(
          `DELETE FROM contact_identities c
           WHERE c.integration_id = $1 AND c.contact_id = $2 AND NOT EXISTS (
             SELECT 1 FROM jsonb_to_recordset($3::jsonb) AS l(scope text, scope_id text)
             WHERE l.scope = c.scope AND l.scope_id = c.scope_id)`,
          [integrationId, contactId, records],
        );
        const { rows } = await client.query<Row>(LIST_SQL, [integrationId, contactId]);
        return rows.map(toLink);
      });
    },

    async list(integrationId, contactId) {
      const { rows } = await pool.query<Row>(LIST_SQL, [integrationId, contactId]);
      return rows.map(toLink);
    },
  };
}
