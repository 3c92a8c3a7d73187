import { useTestDatabase } from '@omnistream/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayWorld, startGatewayWorld, whatsAppIntegration } from './harness.ts';

describe('domain metrics on /metrics (docs/services.md, api-gateway)', () => {
  const db = useTestDatabase();
  let world: GatewayWorld;
  beforeAll(async () => {
    world = await startGatewayWorld(db.pool);
  });
  afterAll(() => world?.stop());

  async function sample(name: string, labels = ''): Promise<number | undefined> {
    const text = (await world.gateway.app.inject({ method: 'GET', url: '/metrics' })).body;
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
    return line === undefined ? undefined : Number(line.split(' ').at(-1));
  }

  it('counts integrations by state from PostgreSQL on each scrape', async () => {
    const before = (await sample('omnistream_gateway_integrations', 'connection_status="connected"')) ?? 0;
    const { integration } = await whatsAppIntegration(world);
    expect(
      await sample('omnistream_gateway_integrations', 'connection_status="pending"'),
    ).toBeGreaterThanOrEqual(1);
    await world.call('POST', `/admin/integrations/${integration.id}/verify`);
    expect(await sample('omnistream_gateway_integrations', 'connection_status="connected"')).toBe(before + 1);
    expect(await sample('omnistream_gateway_dlq_dead_letters')).toBe(0);
  });

  it('counts template syncs by outcome and DLQ replays by outcome', async () => {
    const { integration } = await whatsAppIntegration(world);
    expect((await world.call('POST', `/admin/integrations/${integration.id}/templates/sync`)).status).toBe(
      200,
    );
    const ok = await sample('omnistream_gateway_template_syncs_total', 'outcome="ok"');
    expect(ok).toBeGreaterThanOrEqual(1);
    const fault = world.sim.faults.add({
      match: { pathPattern: '**/message_templates' },
      action: { type: 'error', code: 190 },
    });
    try {
      expect((await world.call('POST', `/admin/integrations/${integration.id}/templates/sync`)).status).toBe(
        502,
      );
    } finally {
      world.sim.faults.remove(fault.id);
    }
    expect(await sample('omnistream_gateway_template_syncs_total', 'outcome="failed"')).toBe(1);

    const replay = await world.call('POST', '/admin/dlq/replay', { ids: [987654] });
    expect(replay.body.skipped).toEqual([expect.objectContaining({ reason: 'not_found' })]);
    expect(await sample('omnistream_gateway_dlq_replays_total', 'outcome="not_found"')).toBe(1);
  });
});
