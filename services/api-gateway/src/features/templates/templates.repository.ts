import { type Pool, withTransaction } from '@omnistream/db';
import type { Template as MetaTemplate } from '@omnistream/graph';
import { decodeCursor, encodeCursor } from '@omnistream/service-kit';
import type { ApplyOutcome, SyncCounts, TemplateChange, TemplateRef, WhatsAppTemplate } from './template.ts';

export interface ListTemplatesQuery {
  wabaId: string;
  /** Any of these statuses. */
  statuses?: readonly string[] | undefined;
  /** Part of the name, as Meta's own `name` filter. */
  name?: string | undefined;
  language?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

export interface TemplatesRepository {
  /** The database's clock: syncs compare row times with it, never with this process's clock. */
  now(): Promise<Date>;
  /**
   * Makes the WABA's rows mirror Meta's full listing: inserts new templates, updates changed ones,
   * deletes those Meta no longer lists. Rows written after `listedSince` (a create or a webhook that
   * raced the listing) are left alone: the listing may predate them; the next sync settles them.
   */
  replaceFromMeta(input: {
    wabaId: string;
    integrationId: string;
    templates: readonly MetaTemplate[];
    listedSince: Date;
  }): Promise<SyncCounts>;
  /** Stores a template just created at Meta, unless a webhook or a sync already stored it. */
  insertCreated(input: {
    wabaId: string;
    integrationId: string;
    templateId: string;
    name: string;
    language: string;
    category: string;
    status: string;
    parameterFormat: string | null;
    components: readonly Record<string, unknown>[];
  }): Promise<WhatsAppTemplate>;
  /** Applies a webhook that happened at `at` (Meta's time) unless a newer one for that field was. */
  applyChange(input: {
    wabaId: string;
    ref: TemplateRef;
    change: TemplateChange;
    at: Date;
  }): Promise<ApplyOutcome>;
  list(query: ListTemplatesQuery): Promise<{ items: WhatsAppTemplate[]; nextCursor: string | null }>;
}

interface Row {
  template_id: string;
  waba_id: string;
  integration_id: string;
  name: string;
  language: string;
  category: string | null;
  status: string;
  quality_score: string | null;
  rejected_reason: string | null;
  parameter_format: string | null;
  components: Record<string, unknown>[];
  last_status_event: string | null;
  synced_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const toTemplate = (r: Row): WhatsAppTemplate => ({
  templateId: r.template_id,
  wabaId: r.waba_id,
  integrationId: r.integration_id,
  name: r.name,
  language: r.language,
  category: r.category,
  status: r.status,
  qualityScore: r.quality_score,
  rejectedReason: r.rejected_reason,
  parameterFormat: r.parameter_format,
  components: r.components,
  lastStatusEvent: r.last_status_event,
  syncedAt: r.synced_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

// Keyset pagination over the listing order (name, language, template_id).
const encodeTemplateCursor = (r: Row): string => encodeCursor([r.name, r.language, r.template_id]);

/** Meta's ids as one WABA's rows: one per id (a listing that shifted while paging can repeat one). */
function uniqueById(templates: readonly MetaTemplate[]): MetaTemplate[] {
  const byId = new Map<string, MetaTemplate>();
  for (const t of templates) byId.set(t.id, t);
  // Sorted, so concurrent writers of one WABA lock its rows in the same order.
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function refCondition(ref: TemplateRef, params: unknown[]): string {
  return 'templateId' in ref
    ? `template_id = $${params.push(ref.templateId)}`
    : `name = $${params.push(ref.name)} AND language = $${params.push(ref.language)}`;
}

/** SET clause and guard column of each kind of change. */
function changeSql(change: TemplateChange, params: unknown[]): { set: string; stampColumn: string } {
  switch (change.field) {
    case 'status':
      return {
        set: `status = COALESCE($${params.push(change.status)}, status),
              rejected_reason = CASE WHEN $${params.length}::text IS NULL THEN rejected_reason
                                     ELSE $${params.push(change.reason)} END,
              last_status_event = $${params.push(change.event)}`,
        stampColumn: 'status_event_at',
      };
    case 'quality':
      return { set: `quality_score = $${params.push(change.quality)}`, stampColumn: 'quality_event_at' };
    case 'category':
      return { set: `category = $${params.push(change.category)}`, stampColumn: 'category_event_at' };
  }
}

export function createTemplatesRepository(deps: { pool: Pool }): TemplatesRepository {
  const { pool } = deps;

  return {
    async now() {
      const { rows } = await pool.query<{ now: Date }>('SELECT clock_timestamp() AS now');
      return (rows[0] as { now: Date }).now;
    },

    async replaceFromMeta({ wabaId, integrationId, templates, listedSince }) {
      const incoming = uniqueById(templates).map((t) => ({
        template_id: t.id,
        name: t.name,
        language: t.language,
        category: t.category,
        status: t.status,
        parameter_format: t.parameterFormat ?? null,
        components: t.components,
      }));
      return withTransaction(pool, async (client) => {
        // Two instances syncing one WABA write one after the other.
        await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('whatsapp_templates:' || $1, 0))`, [
          wabaId,
        ]);
        // updated_at moves only when something Meta lists changed, so that `updated_at = now()` in
        // RETURNING tells a changed (or new) row from an unchanged one. quality_score and
        // rejected_reason are not in the listing's fields: they stay as webhooks set them.
        const { rows } = await client.query<{ inserted: boolean; touched: boolean }>(
          `INSERT INTO whatsapp_templates AS t
             (integration_id, waba_id, template_id, name, language, category, status, parameter_format,
              components, synced_at)
           SELECT $1, $2, i.template_id, i.name, i.language, i.category, i.status, i.parameter_format,
                  COALESCE(i.components, '[]'::jsonb), now()
           FROM jsonb_to_recordset($3::jsonb) AS i(template_id text, name text, language text,
                category text, status text, parameter_format text, components jsonb)
           ON CONFLICT (waba_id, template_id) DO UPDATE SET
             integration_id = EXCLUDED.integration_id,
             name = EXCLUDED.name,
             language = EXCLUDED.language,
             category = EXCLUDED.category,
             status = EXCLUDED.status,
             rejected_reason = CASE WHEN t.status = EXCLUDED.status THEN t.rejected_reason END,
             parameter_format = EXCLUDED.parameter_format,
             components = EXCLUDED.components,
             synced_at = now(),
             updated_at = CASE
               WHEN (t.name, t.language, t.category, t.status, t.parameter_format, t.components)
                    IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.language, EXCLUDED.category,
                                      EXCLUDED.status, EXCLUDED.parameter_format, EXCLUDED.components)
               THEN now() ELSE t.updated_at END
           WHERE t.updated_at < $4
           RETURNING (xmax = 0) AS inserted, (updated_at = now()) AS touched`,
          [integrationId, wabaId, JSON.stringify(incoming), listedSince],
        );
        const removed = await client.query(
          `DELETE FROM whatsapp_templates
           WHERE waba_id = $1 AND updated_at < $3 AND NOT (template_id = ANY($2::text[]))`,
          [wabaId, incoming.map((t) => t.template_id), listedSince],
        );
        const added = rows.filter((r) => r.inserted).length;
        const updated = rows.filter((r) => r.touched && !r.inserted).length;
        return {
          total: incoming.length,
          added,
          updated,
          unchanged: incoming.length - added - updated,
          removed: removed.rowCount ?? 0,
        };
      });
    },

    async insertCreated(t) {
      const { rows } = await pool.query<Row>(
        `INSERT INTO whatsapp_templates
           (integration_id, waba_id, template_id, name, language, category, status, parameter_format, components)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (waba_id, template_id) DO NOTHING
         RETURNING *`,
        [
          t.integrationId,
          t.wabaId,
          t.templateId,
          t.name,
          t.language,
          t.category,
          t.status,
          t.parameterFormat,
          JSON.stringify(t.components),
        ],
      );
      if (rows[0]) return toTemplate(rows[0]);
      const existing = await pool.query<Row>(
        'SELECT * FROM whatsapp_templates WHERE waba_id = $1 AND template_id = $2',
        [t.wabaId, t.templateId],
      );
      return toTemplate(existing.rows[0] as Row);
    },

    async applyChange({ wabaId, ref, change, at }) {
      const params: unknown[] = [wabaId, at];
      const where = refCondition(ref, params);
      const { set, stampColumn } = changeSql(change, params);
      // `<=`: Meta's times have second precision, and PENDING then APPROVED within one second must
      // both apply in the order they come; a redelivered webhook re-applies the same values.
      const { rows } = await pool.query<{ found: string; applied: string }>(
        `WITH target AS (
           SELECT id, ${stampColumn} AS stamp FROM whatsapp_templates WHERE waba_id = $1 AND ${where} FOR UPDATE
         ), changed AS (
           UPDATE whatsapp_templates w SET ${set}, ${stampColumn} = $2, updated_at = now()
           FROM target WHERE w.id = target.id AND (target.stamp IS NULL OR target.stamp <= $2)
           RETURNING w.id
         )
         SELECT (SELECT count(*) FROM target) AS found, (SELECT count(*) FROM changed) AS applied`,
        params,
      );
      const row = rows[0] as { found: string; applied: string };
      if (Number(row.applied) > 0) return 'applied';
      return Number(row.found) > 0 ? 'stale' : 'missing';
    },

    async list(query) {
      const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
      const params: unknown[] = [query.wabaId];
      const where = ['waba_id = $1'];
      if (query.statuses?.length) where.push(`status = ANY($${params.push(query.statuses)}::text[])`);
      // position(), not LIKE: template names are full of `_`, a LIKE wildcard.
      if (query.name) where.push(`position($${params.push(query.name)} in name) > 0`);
      if (query.language) where.push(`language = $${params.push(query.language)}`);
      if (query.cursor) {
        const [name, language, templateId] = decodeCursor(query.cursor, 3);
        where.push(
          `(name, language, template_id) > ($${params.push(name)}, $${params.push(language)}, $${params.push(templateId)})`,
        );
      }
      const { rows } = await pool.query<Row>(
        `SELECT * FROM whatsapp_templates WHERE ${where.join(' AND ')}
         ORDER BY name, language, template_id LIMIT $${params.push(limit + 1)}`,
        params,
      );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(toTemplate),
        nextCursor: rows.length > limit && last ? encodeTemplateCursor(last) : null,
      };
    },
  };
}
