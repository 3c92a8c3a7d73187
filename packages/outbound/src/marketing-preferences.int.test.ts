import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@omnistream/testing';
import { describe, expect, it } from 'vitest';
import { createMarketingPreferencesRepository, recipientIdentifier } from './index.ts';

describe('marketing_preferences repository (real PostgreSQL)', () => {
  const db = useTestDatabase();
  const repo = () => createMarketingPreferencesRepository(db.pool);
  const at = (s: number) => new Date(Date.UTC(2026, 11, 4, 9, 0, s)).toISOString();

  async function marketingTemplate(integrationId: string, name: string, category: string) {
    // whatsapp_templates.integration_id references integrations; a minimal WhatsApp row.
    await db.pool.query(
      `INSERT INTO integrations (id, channel, phone_number_id, waba_id, token_ciphertext, token_key_id, token_last4)
       VALUES ($1, 'whatsapp', $2, '102290129340398', 'x', 'k1', 'abcd')
       ON CONFLICT (id) DO NOTHING`,
      [integrationId, `2${Date.now()}${Math.floor(Math.random() * 1e4)}`],
    );
    await db.pool.query(
      `INSERT INTO whatsapp_templates (integration_id, waba_id, template_id, name, language, category, status)
       VALUES ($1, '102290129340398', $2, $3, 'en_US', $4, 'APPROVED')`,
      [integrationId, String(Math.floor(Math.random() * 1e12)), name, category],
    );
  }

  it('refuses MARKETING templates after a stop, in Meta’s order, by phone number in any format or by BSUID', async () => {
    const integrationId = randomUUID();
    await marketingTemplate(integrationId, 'spring_sale', 'MARKETING');
    await marketingTemplate(integrationId, 'order_update', 'UTILITY');
    const query = (recipient: string, templateName = 'spring_sale') =>
      repo().marketingStoppedAt({ integrationId, recipient, templateName, language: 'en_US' });

    expect(await query('16505551234')).toBeNull();
    const stop = {
      integrationId,
      contactIds: ['16505551234', 'US.13491208655302741918'],
      optedOut: true,
      category: 'marketing_messages',
      changedAt: at(10),
      eventId: 'e1',
    };
    expect(await repo().record(stop)).toBe(2);
    expect((await query('+1 650-555-1234'))?.toISOString()).toBe(at(10));
    expect((await query('US.13491208655302741918'))?.toISOString()).toBe(at(10));
    // Only MARKETING templates, and only for this customer.
    expect(await query('16505551234', 'order_update')).toBeNull();
    expect(await query('16505550000')).toBeNull();

    // A resume delivered before an older stop arrives late: the resume stands.
    await repo().record({ ...stop, optedOut: false, changedAt: at(20), eventId: 'e2' });
    expect(await repo().record({ ...stop, changedAt: at(15), eventId: 'e3' })).toBe(0);
    expect(await query('16505551234')).toBeNull();
  });

  it('normalizes phone numbers to wa_id digits and keeps BSUIDs as they are', () => {
    expect(recipientIdentifier('+1 (650) 555-1234')).toBe('16505551234');
    expect(recipientIdentifier('US.13491208655302741918')).toBe('US.13491208655302741918');
  });
});
