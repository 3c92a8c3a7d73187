import type { DlqRecord, InboundEvent } from '@omnistream/events';
import { inboundKey } from '@omnistream/events';
import { metaJsonStringify } from '@omnistream/meta-sim';
import { readMessages, useTestDatabase } from '@omnistream/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayWorld, startGatewayWorld, until, whatsAppIntegration } from './harness.ts';
import { startWholeStack, type WholeStack } from './whole-stack.ts';

/**
 * Meta's 2026 WhatsApp platform end to end: meta-sim plays Meta and a customer who adopted a username
 * and shares no phone number (BSUID only); the real ingestor, broker, sender, gateway and PostgreSQL
 * do the rest.
 */
describe('WhatsApp usernames and BSUIDs, end to end (ingestor, broker, sender, gateway, meta-sim)', () => {
  const db = useTestDatabase();
  let world: GatewayWorld;
  let stack: WholeStack;
  let wa: Awaited<ReturnType<typeof whatsAppIntegration>>;
  const bsuid = `US.${Date.now()}${Math.floor(Math.random() * 1e6)}`;
  const customer = { userId: bsuid, username: 'kerry.fisher', name: 'Kerry Fisher' };

  beforeAll(async () => {
    world = await startGatewayWorld(db.pool);
    world.sim.setLimits({ whatsappPerSecond: Infinity, whatsappPairIntervalMs: 1, whatsappPairBurst: 1_000 });
    world.sim.window.enforce(true);
    wa = await whatsAppIntegration(world);
    stack = await startWholeStack(world, db.pool, {
      sender: {
        send: { maxAttempts: 2, minDelayMs: 50, maxDelayMs: 200, reauthWaitMs: 2_000, reauthPollMs: 100 },
      },
    });
  }, 90_000);
  afterAll(async () => {
    await stack?.stop();
    await world?.stop();
  });

  const inboundEvents = async (count: number) =>
    (await readMessages({ topic: world.topics.inbound, count })).map((m) => ({
      key: m.key,
      event: JSON.parse(m.text ?? '{}') as InboundEvent,
    }));

  it("a username-only customer's text, image and reaction arrive as ordinary events with a contact, a stable key and Meta's time", async () => {
    const t0 = Date.UTC(2026, 11, 4, 9, 30, 0);
    world.sim.clock.set(t0);
    const text = world.sim.inboundMessage({
      phoneNumberId: wa.phoneNumberId,
      customer,
      message: { type: 'text', text: 'hi, is my order ready?' },
    });
    world.sim.clock.set(t0 + 5_000);
    world.sim.inboundMessage({
      phoneNumberId: wa.phoneNumberId,
      customer,
      message: { type: 'image', mediaId: '1013859600285441', caption: 'the receipt' },
    });
    world.sim.clock.set(t0 + 9_000);
    world.sim.inboundMessage({
      phoneNumberId: wa.phoneNumberId,
      customer,
      message: { type: 'reaction', messageId: text.messageId, emoji: '👍' },
    });
    world.sim.clock.unfreeze();
    await world.sim.webhooks.idle();

    const records = await inboundEvents(3);
    const events = records.map((r) => r.event);
    expect(events.map((e) => e.kind)).toEqual(['message', 'message', 'reaction']);
    const contact = { id: bsuid, userId: bsuid, username: 'kerry.fisher', name: 'Kerry Fisher' };
    for (const [i, e] of events.entries()) {
      expect(e).toMatchObject({ channel: 'whatsapp', account: { id: wa.phoneNumberId }, contact });
      expect(e.integrationId).toBe(wa.integration.id);
      expect(e.occurredAt).toBe(new Date(t0 + [0, 5_000, 9_000][i]!).toISOString());
    }
    // One conversation key for the customer, whatever the message.
    const keys = new Set(records.map((r) => r.key));
    expect([...keys]).toEqual([`whatsapp:${wa.phoneNumberId}:${bsuid}`]);
    expect(inboundKey(events[0]!)).toBe(records[0]!.key);
    expect(events[0]!.payload).toMatchObject({ type: 'text', text: 'hi, is my order ready?' });
    expect(events[1]!.payload).toMatchObject({
      type: 'image',
      media: { id: '1013859600285441', caption: 'the receipt' },
    });
    expect(events[2]!.payload).toMatchObject({ messageId: text.messageId, emoji: '👍', action: 'react' });
  });

  it('a reply by BSUID goes out through POST /admin/messages and the sender; its statuses move outbound_messages to read', async () => {
    const queued = await world.call('POST', '/admin/messages', {
      integrationId: wa.integration.id,
      to: bsuid,
      message: { type: 'text', text: 'Yes, ready for pickup.' },
    });
    expect(queued.status).toBe(202);
    const commandId: string = queued.body.commandId;

    const row = await until(
      async () => (await world.call('GET', `/admin/messages/${commandId}`)).body,
      (m: Record<string, unknown>) => m.status === 'read',
    );
    expect(row).toMatchObject({ to: bsuid, status: 'read' });
    expect(row.sentAt).not.toBeNull();
    expect(row.deliveredAt).not.toBeNull();
    expect(row.readAt).not.toBeNull();
    // Meta got the BSUID in `recipient` (its own field, not `to`), once.
    const sends = world.sim.ledger.entries({ to: bsuid });
    expect(sends).toHaveLength(1);
    expect(sends[0]!.body).toMatchObject({ recipient_type: 'individual', recipient: bsuid });
    expect(sends[0]!.body).not.toHaveProperty('to');
  });

  it('a MARKETING template to a customer who stopped marketing messages is dead-lettered with the reason, and sent once they resume', async () => {
    world.sim.templates.add(wa.wabaId, {
      name: 'spring_sale',
      language: 'en_US',
      category: 'MARKETING',
      status: 'APPROVED',
      components: [{ type: 'BODY', text: '20% off this week' }],
    });
    const synced = await world.call('POST', `/admin/integrations/${wa.integration.id}/templates/sync`);
    expect(synced.status).toBe(200);

    const preference = (value: 'stop' | 'resume', at: number) =>
      metaJsonStringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: wa.wabaId,
            changes: [
              {
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '15550783881', phone_number_id: wa.phoneNumberId },
                  contacts: [{ profile: { name: 'Kerry Fisher', username: 'kerry.fisher' }, user_id: bsuid }],
                  user_preferences: [
                    {
                      user_id: bsuid,
                      detail: `User requested to ${value} marketing messages`,
                      category: 'marketing_messages',
                      value,
                      timestamp: at,
                    },
                  ],
                },
                field: 'user_preferences',
              },
            ],
          },
        ],
      });
    const now = Math.floor(Date.now() / 1000);
    world.sim.webhooks.post(preference('stop', now - 60), 'stop');
    await world.sim.webhooks.idle();
    const stopped = await until(
      async () =>
        (
          await db.pool.query(
            'SELECT opted_out FROM marketing_preferences WHERE integration_id = $1 AND contact_id = $2',
            [wa.integration.id, bsuid],
          )
        ).rows,
      (rows) => rows.length === 1,
    );
    expect(stopped).toEqual([{ opted_out: true }]);

    const template = { type: 'template', name: 'spring_sale', language: 'en_US' };
    const refused = await world.call('POST', '/admin/messages', {
      integrationId: wa.integration.id,
      to: bsuid,
      message: template,
    });
    expect(refused.status).toBe(202);
    const [letter] = await until(
      async () => (await world.call('GET', `/admin/dlq?integrationId=${wa.integration.id}`)).body.items,
      (items) => items.some((d: { commandId: string }) => d.commandId === refused.body.commandId),
    );
    expect(letter).toMatchObject({
      commandId: refused.body.commandId,
      reason: 'marketing_opted_out',
      errorCode: 'SENDER_MARKETING_OPTED_OUT',
    });
    expect((letter.record as DlqRecord).errors.at(-1)?.message).toMatch(/stopped marketing messages/);
    expect(
      world.sim.ledger
        .entries({ to: bsuid })
        .filter((e) => (e.body as { type?: string }).type === 'template'),
    ).toEqual([]);

    // A non-marketing message still goes out, and after a resume the marketing template does too.
    world.sim.webhooks.post(preference('resume', now - 30), 'resume');
    await world.sim.webhooks.idle();
    await until(
      async () =>
        (
          await db.pool.query(
            'SELECT opted_out FROM marketing_preferences WHERE integration_id = $1 AND contact_id = $2',
            [wa.integration.id, bsuid],
          )
        ).rows[0]?.opted_out,
      (optedOut) => optedOut === false,
    );
    const resumed = await world.call('POST', '/admin/messages', {
      integrationId: wa.integration.id,
      to: bsuid,
      message: template,
    });
    const sent = await until(
      async () => (await world.call('GET', `/admin/messages/${resumed.body.commandId}`)).body,
      (m: { status: string }) => m.status !== 'queued' && m.status !== 'sending',
    );
    expect(sent.status).not.toBe('failed');
    expect(
      world.sim.ledger
        .entries({ to: bsuid })
        .filter((e) => (e.body as { type?: string }).type === 'template'),
    ).toHaveLength(1);
  });
});
