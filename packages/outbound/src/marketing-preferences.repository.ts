import type { Pool } from '@omnistream/db';

export interface MarketingPreferenceChange {
  integrationId: string;
  /** Every identifier the event named the customer by (wa_id and/or BSUID). */
  contactIds: readonly string[];
  optedOut: boolean;
  category: string;
  /** Meta's timestamp of the change (ISO). */
  changedAt: string;
  eventId: string;
}

export interface MarketingPreferencesRepository {
  /**
   * Records a stop or resume, in Meta's order: an older change delivered late does not overwrite a
   * newer one. Returns how many identifiers it changed.
   */
  record(change: MarketingPreferenceChange): Promise<number>;
  /**
   * When the customer stopped marketing messages, if they did (and did not resume since) and the
   * template is a MARKETING one in the integration's synced templates; null otherwise. A template
   * the gateway has not synced is not refused here: Meta refuses it with 131050 instead.
   */
  marketingStoppedAt(query: {
    integrationId: string;
    recipient: string;
    templateName: string;
    language: string;
  }): Promise<Date | null>;
}

/**
 * Phone numbers are stored as Meta's `wa_id` (digits only) while a send command may write
 * `+1 650-555-1234`; a BSUID (`US.1349…`) is kept exactly.
 */
export function recipientIdentifier(recipient: string): string {
  return /^[+\d\s().-]+$/.test(recipient) ? recipient.replace(/\D/g, '') : recipient;
}

export function createMarketingPreferencesRepository(pool: Pool): MarketingPreferencesRepository {
  return {
    async record(change) {
      if (change.contactIds.length === 0) return 0;
      const { rowCount } = await pool.query(
        `INSERT INTO marketing_preferences (integration_id, contact_id, opted_out, category, changed_at, event_id)
         SELECT $1, c, $3, $4, $5, $6 FROM unnest($2::text[]) AS c
         ON CONFLICT (integration_id, contact_id) DO UPDATE
           SET opted_out = EXCLUDED.opted_out, category = EXCLUDED.category,
               changed_at = EXCLUDED.changed_at, event_id = EXCLUDED.event_id, updated_at = now()
         WHERE marketing_preferences.changed_at <= EXCLUDED.changed_at`,
        [
          change.integrationId,
          change.contactIds.map(recipientIdentifier),
          change.optedOut,
          change.category,
          change.changedAt,
          change.eventId,
        ],
      );
      return rowCount ?? 0;
    },

    async marketingStoppedAt(query) {
      const { rows } = await pool.query<{ changed_at: Date }>({
        name: 'marketing_stopped_at',
        text: `SELECT p.changed_at FROM marketing_preferences p
                WHERE p.integration_id = $1 AND p.contact_id = $2 AND p.opted_out
                  AND EXISTS (SELECT 1 FROM whatsapp_templates t
                               WHERE t.integration_id::text = $1 AND t.name = $3 AND t.language = $4
                                 AND upper(t.category) = 'MARKETING')`,
        values: [
          query.integrationId,
          recipientIdentifier(query.recipient),
          query.templateName,
          query.language,
        ],
      });
      return rows[0]?.changed_at ?? null;
    },
  };
}
