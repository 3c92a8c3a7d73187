import {
  eventId,
  type InboundEventOf,
  parseInboundEvent,
  type TemplateStatusPayload,
} from '@omnistream/events';
import type { Template } from '@omnistream/meta-sim';
import { useTestDatabase } from '@omnistream/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTemplatesRepository } from '../src/features/templates/templates.repository.ts';
import {
  type GatewayWorld,
  messengerIntegration,
  startGatewayWorld,
  until,
  whatsAppIntegration,
} from './harness.ts';

const BODY = [{ type: 'BODY', text: 'Your order {{1}} has shipped.', example: { body_text: [['A-1']] } }];

describe('WhatsApp templates (real PostgreSQL, broker and meta-sim over HTTP)', () => {
  const db = useTestDatabase();
  let world: GatewayWorld;

  beforeAll(async () => {
    world = await startGatewayWorld(db.pool);
  });
  afterAll(() => world?.stop());

  const templatesOf = (integrationId: string, query = '') =>
    world.call('GET', `/admin/integrations/${integrationId}/templates${query}`);

  async function allTemplates(integrationId: string, query = ''): Promise<Record<string, unknown>[]> {
    const items = [];
    let cursor: string | null = null;
    do {
      const sep = query ? '&' : '?';
      const res = await templatesOf(
        integrationId,
        `${query}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.status).toBe(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  }

  /** meta-sim has no single-template delete: rebuild the WABA's list without it. */
  function deleteAtMeta(wabaId: string, templateId: string, others: string[] = []) {
    const keep = new Map<string, Template[]>();
    for (const waba of [wabaId, ...others]) keep.set(waba, world.sim.templates.list(waba));
    world.sim.templates.clear();
    for (const [waba, list] of keep) {
      for (const t of list) {
        if (waba === wabaId && t.id === templateId) continue;
        world.sim.templates.add(waba, {
          id: t.id,
          name: t.name,
          language: t.language,
          category: t.category,
          status: t.status,
          components: t.components,
          parameterFormat: t.parameter_format,
        });
      }
    }
  }

  /** A template_status event as the webhook ingestor publishes it (key, headers, raw fragment). */
  async function publishTemplateEvent(
    wabaId: string,
    integrationId: string | null,
    payload: TemplateStatusPayload,
    occurredAt: Date,
  ) {
    const time = Math.floor(occurredAt.getTime() / 1000);
    const event: InboundEventOf<'template_status'> = {
      schemaVersion: 1,
      eventId: eventId({
        channel: 'whatsapp',
        kind: 'template_status',
        metaId: payload.templateId,
        discriminator: JSON.stringify([payload.field, time]),
      }),
      kind: 'template_status',
      channel: 'whatsapp',
      account: { id: wabaId, wabaId },
      integrationId,
      occurredAt: new Date(time * 1000).toISOString(),
      receivedAt: new Date().toISOString(),
      payload,
      raw: { field: payload.field, value: { message_template_id: Number(payload.templateId) } },
    };
    expect(parseInboundEvent(event).success).toBe(true);
    await publishRaw(wabaId, JSON.stringify(event), {
      'event-id': event.eventId,
      'event-kind': event.kind,
      'schema-version': '1',
    });
  }

  const publishRaw = (key: string, value: string, headers: Record<string, string> = {}) =>
    world.gateway.producer.send(world.topics.inbound, [{ key, value, headers }]);

  it('syncs every page of a WABA with more templates than one page of Meta, then mirrors changes and deletions', async () => {
    const { integration, wabaId } = await whatsAppIntegration(world);
    for (let i = 0; i < 130; i++) {
      world.sim.templates.add(wabaId, {
        name: `promo_${String(i).padStart(3, '0')}`,
        language: i % 2 === 0 ? 'en_US' : 'pt_BR',
        category: 'MARKETING',
        status: i < 120 ? 'APPROVED' : 'REJECTED',
      });
    }

    const first = await world.call('POST', `/admin/integrations/${integration.id}/templates/sync`);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ wabaId, total: 130, added: 130, updated: 0, unchanged: 0, removed: 0 });

    const listed = await allTemplates(integration.id, '?limit=40');
    expect(listed).toHaveLength(130);
    expect(new Set(listed.map((t) => t.id)).size).toBe(130);
    expect(listed[0]).toMatchObject({
      name: 'promo_000',
      language: 'en_US',
      category: 'MARKETING',
      status: 'APPROVED',
      wabaId,
      integrationId: integration.id,
    });
    expect((await allTemplates(integration.id, '?status=rejected')).map((t) => t.name)).toEqual(
      Array.from({ length: 10 }, (_, i) => `promo_${120 + i}`),
    );
    const filtered = await templatesOf(integration.id, '?name=promo_01&language=pt_BR');
    expect(filtered.body.items.map((t: { name: string }) => t.name)).toEqual([
      'promo_011',
      'promo_013',
      'promo_015',
      'promo_017',
      'promo_019',
    ]);

    // At Meta: one paused, one deleted in WhatsApp Manager, one new.
    world.sim.templates.setStatus(wabaId, 'promo_005', 'pt_BR', 'PAUSED');
    const deleted = listed.find((t) => t.name === 'promo_006') as { id: string };
    deleteAtMeta(wabaId, deleted.id);
    world.sim.templates.add(wabaId, { name: 'welcome', language: 'en_US' });

    const second = await world.call('POST', `/admin/integrations/${integration.id}/templates/sync`);
    expect(second.body).toEqual({ wabaId, total: 130, added: 1, updated: 1, unchanged: 128, removed: 1 });
    const after = await allTemplates(integration.id, '?limit=200');
    expect(after.map((t) => t.name)).not.toContain('promo_006');
    expect(after.find((t) => t.name === 'promo_005')).toMatchObject({ status: 'PAUSED' });
    expect(after.map((t) => t.name)).toContain('welcome');
  });

  it('creates a template at Meta and lists it with the id and status Meta answered', async () => {
    const { integration, wabaId } = await whatsAppIntegration(world);
    const res = await world.call('POST', `/admin/integrations/${integration.id}/templates`, {
      name: 'order_shipped',
      language: 'en_US',
      category: 'UTILITY',
      components: BODY,
    });
    expect(res.status).toBe(201);
    const atMeta = world.sim.templates.find(wabaId, 'order_shipped', 'en_US');
    expect(atMeta?.components).toEqual(BODY);
    expect(res.body).toMatchObject({
      id: atMeta?.id,
      name: 'order_shipped',
      language: 'en_US',
      category: 'UTILITY',
      status: 'PENDING',
      components: BODY,
    });

    const listed = await templatesOf(integration.id);
    expect(listed.body.items).toEqual([res.body]);
  });

  it("answers a duplicate create with 409 and Meta's explanation, and Meta failing with 503", async () => {
    const { integration, wabaId } = await whatsAppIntegration(world);
    const body = { name: 'order_shipped', language: 'es', category: 'UTILITY', components: BODY };
    expect((await world.call('POST', `/admin/integrations/${integration.id}/templates`, body)).status).toBe(
      201,
    );

    const again = await world.call('POST', `/admin/integrations/${integration.id}/templates`, body);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: 'GW_CONFLICT',
      meta: { code: 100, subcode: 2388024, title: 'Content in this language already exists' },
    });
    expect(again.body.error.message).toContain('Content for es already exists');

    world.sim.faults.add({
      match: { method: 'POST', pathPattern: `/*/${wabaId}/message_templates` },
      action: { type: 'error', code: 2 },
      times: 1,
    });
    const down = await world.call('POST', `/admin/integrations/${integration.id}/templates`, {
      ...body,
      name: 'order_delayed',
    });
    expect(down.status).toBe(503);
    expect(down.body.error).toMatchObject({ code: 'GW_UNAVAILABLE', meta: { code: 2 } });
    expect(world.sim.templates.find(wabaId, 'order_delayed', 'es')).toBeUndefined();
    expect((await templatesOf(integration.id)).body.items).toHaveLength(1);
  });

  it('rejects invalid create bodies with 400 naming each field, without calling Meta', async () => {
    const { integration, wabaId } = await whatsAppIntegration(world);
    const cases: [unknown, string][] = [
      [{ name: 'Order Update', language: 'en_US', category: 'UTILITY', components: BODY }, 'body.name'],
      [{ name: 'order_update', category: 'UTILITY', components: BODY }, 'body.language'],
      [{ name: 'order_update', language: 'en_US', category: 'PROMO', components: BODY }, 'body.category'],
      [{ name: 'order_update', language: 'en_US', category: 'UTILITY', components: [] }, 'body.components'],
      [
        { name: 'order_update', language: 'en_US', category: 'UTILITY', components: [{}] },
        'body.components.0.type',
      ],
    ];
    for (const [body, path] of cases) {
      const res = await world.call('POST', `/admin/integrations/${integration.id}/templates`, body);
      expect(res.status, path).toBe(400);
      expect(res.body.error.code).toBe('GW_VALIDATION');
      expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain(path);
    }
    expect(world.sim.templates.list(wabaId)).toEqual([]);
  });

  it('refuses templates for a non-WhatsApp integration (409) and an unknown one (404)', async () => {
    const { integration: page } = await messengerIntegration(world);
    const body = { name: 'hello', language: 'en_US', category: 'UTILITY', components: BODY };

    for (const [method, suffix, payload] of [
      ['GET', '', undefined],
      ['POST', '', body],
      ['POST', '/sync', undefined],
    ] as const) {
      const res = await world.call(method, `/admin/integrations/${page.id}/templates${suffix}`, payload);
      expect(res.status).toBe(409);
      expect(res.body.error.message).toContain('only for WhatsApp');
    }
    const unknown = await templatesOf('00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect((await templatesOf('not-a-uuid')).status).toBe(400);
  });

  it('applies template_status events from the inbound topic at once; a late older event changes nothing', async () => {
    const { integration, wabaId } = await whatsAppIntegration(world);
    const created = await world.call('POST', `/admin/integrations/${integration.id}/templates`, {
      name: 'summer_sale',
      language: 'pt_BR',
      category: 'MARKETING',
      components: BODY,
    });
    expect(created.body.status).toBe('PENDING');
    const templateId: string = created.body.id;
    const base = { templateId, templateName: 'summer_sale', language: 'pt_BR' };
    const now = Date.now();

    // Records the consumer must skip without blocking the partition (same key as the events).
    await publishRaw(wabaId, '{not json');
    await publishRaw(wabaId, JSON.stringify({ kind: 'template_status', schemaVersion: 1 }));
    await publishTemplateEvent(
      wabaId,
      integration.id,
      { ...base, field: 'message_template_status_update', event: 'REJECTED', reason: 'INCORRECT_CATEGORY' },
      new Date(now),
    );
    const rejected = await until(
      () => templatesOf(integration.id),
      (r) => r.body.items[0]?.status === 'REJECTED',
    );
    expect(rejected.body.items[0]).toMatchObject({
      status: 'REJECTED',
      rejectedReason: 'INCORRECT_CATEGORY',
    });
    expect(world.logs.some((l) => l.includes('inbound record is not JSON; skipped'))).toBe(true);
    expect(world.logs.some((l) => l.includes('inbound record is not a valid event; skipped'))).toBe(true);

    // An older PENDING arriving late, then a quality update behind it on the same partition.
    await publishTemplateEvent(
      wabaId,
      integration.id,
      { ...base, field: 'message_template_status_update', event: 'PENDING' },
      new Date(now - 60_000),
    );
    await publishTemplateEvent(
      wabaId,
      integration.id,
      {
        ...base,
        field: 'message_template_quality_update',
        quality: { previous: 'GREEN', current: 'YELLOW' },
      },
      new Date(now + 1_000),
    );
    const quality = await until(
      () => templatesOf(integration.id),
      (r) => r.body.items[0]?.qualityScore === 'YELLOW',
    );
    expect(quality.body.items[0]).toMatchObject({ status: 'REJECTED', qualityScore: 'YELLOW' });

    await publishTemplateEvent(
      wabaId,
      integration.id,
      { ...base, field: 'template_category_update', category: { previous: 'MARKETING', current: 'UTILITY' } },
      new Date(now + 2_000),
    );
    await publishTemplateEvent(
      wabaId,
      integration.id,
      { ...base, field: 'message_template_status_update', event: 'APPROVED', reason: 'NONE' },
      new Date(now + 3_000),
    );
    const approved = await until(
      () => templatesOf(integration.id),
      (r) => r.body.items[0]?.status === 'APPROVED',
    );
    expect(approved.body.items[0]).toMatchObject({
      status: 'APPROVED',
      rejectedReason: null,
      category: 'UTILITY',
      lastStatusEvent: 'APPROVED',
    });
  });

  it('applies a status known only by name and language (as a failed send reports it)', async () => {
    const { integration, wabaId } = await whatsAppIntegration(world);
    world.sim.templates.add(wabaId, { name: 'order_update', language: 'en_US' });
    world.sim.templates.add(wabaId, { name: 'order_update', language: 'es' });
    await world.call('POST', `/admin/integrations/${integration.id}/templates/sync`);
    const outcome = await createTemplatesRepository({ pool: db.pool }).applyChange({
      wabaId,
      ref: { name: 'order_update', language: 'es' },
      change: { field: 'status', event: 'PAUSED', status: 'PAUSED', reason: null },
      at: new Date(),
    });
    expect(outcome).toBe('applied');
    const listed = await templatesOf(integration.id);
    expect(
      listed.body.items.map((t: { language: string; status: string }) => [t.language, t.status]),
    ).toEqual([
      ['en_US', 'APPROVED'],
      ['es', 'PAUSED'],
    ]);
  });

  it('syncs the WABA when an event names a template the gateway does not hold yet', async () => {
    const { integration, wabaId } = await whatsAppIntegration(world);
    const atMeta = world.sim.templates.add(wabaId, {
      name: 'made_in_manager',
      language: 'en_US',
      components: BODY,
    });
    // No integration id, as for a WABA the ingestor's cache did not know yet.
    await publishTemplateEvent(
      wabaId,
      null,
      {
        field: 'message_template_quality_update',
        templateId: atMeta.id,
        templateName: 'made_in_manager',
        language: 'en_US',
        quality: { current: 'RED' },
      },
      new Date(),
    );
    const res = await until(
      () => templatesOf(integration.id),
      (r) => r.body.items[0]?.qualityScore === 'RED',
    );
    expect(res.body.items).toEqual([
      expect.objectContaining({
        id: atMeta.id,
        name: 'made_in_manager',
        components: BODY,
        qualityScore: 'RED',
      }),
    ]);
  });

  it('picks up templates added at Meta on the periodic sync, logging a failed pass without stopping', async () => {
    const periodic = await startGatewayWorld(db.pool, { templateSyncIntervalMs: 300 });
    try {
      const { integration, wabaId } = await whatsAppIntegration(world, periodic.sim);
      // Meta fails the first listings of this WABA; the sync keeps its schedule.
      periodic.sim.faults.add({
        match: { method: 'GET', pathPattern: `/*/${wabaId}/message_templates` },
        action: { type: 'error', code: 2 },
        times: 2,
      });
      periodic.sim.templates.add(wabaId, { name: 'added_at_meta', language: 'en_US' });
      const res = await until(
        () => periodic.call('GET', `/admin/integrations/${integration.id}/templates`),
        (r) => r.body.items.length > 0,
      );
      expect(res.body.items.map((t: { name: string }) => t.name)).toEqual(['added_at_meta']);
      const failures = periodic.logs.filter(
        (l) => l.includes('template sync of a WABA failed') && l.includes(wabaId),
      );
      expect(failures).toHaveLength(2);
    } finally {
      await periodic.stop();
    }
  });
});
