import type { Integration } from '@omnistream/integrations';
import { createLogger } from '@omnistream/logger';
import { until } from '@omnistream/testing/harness';
import { describe, expect, it } from 'vitest';
import { startPeriodicTemplateSync } from './periodic-template-sync.ts';
import type { SyncTarget } from './template-sync.ts';

// wait-ok: only the fake Graph call's duration below and the "nothing after stop" check use it.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const logger = createLogger({ name: 'test', level: 'silent' });

const whatsapp = (id: string, wabaId: string | null): Integration =>
  ({ id, channel: 'whatsapp', wabaId, status: 'active', createdAt: new Date() }) as Integration;

function world(integrations: Integration[], syncMs: number, fail: (t: SyncTarget) => boolean = () => false) {
  const calls: SyncTarget[] = [];
  let active = 0;
  let peak = 0;
  const periodic = startPeriodicTemplateSync({
    intervalMs: 5,
    integrations: { list: async () => ({ items: integrations, nextCursor: null }) },
    tokens: { byIntegrationId: (id) => ({ token: `token-${id}` }) as never },
    sync: {
      async syncWaba(target) {
        calls.push(target);
        active++;
        peak = Math.max(peak, active);
        // wait-ok: the fake sync's duration (the scenario), not a wait for a condition.
        await sleep(syncMs);
        active--;
        if (fail(target)) throw new Error('Meta is down');
        return { wabaId: target.wabaId, total: 0, added: 0, updated: 0, unchanged: 0, removed: 0 };
      },
    },
    logger,
  });
  return { periodic, calls, peak: () => peak };
}

describe('periodic template sync', () => {
  it('never starts a pass while the previous one runs, however short the interval', async () => {
    const w = world([whatsapp('a', 'waba-1'), whatsapp('b', 'waba-2')], 30);
    await until(
      () => w.calls.length,
      (n) => n >= 4,
      5_000,
      5,
    );
    await w.periodic.stop();
    expect(w.peak()).toBe(1);
    expect(w.calls.length).toBeGreaterThanOrEqual(4);
  });

  it('reads a WABA shared by several integrations once per pass, skips integrations without a WABA', async () => {
    const w = world([whatsapp('a', 'waba-1'), whatsapp('b', 'waba-1'), whatsapp('c', null)], 1);
    // Two passes at least: each reads waba-1 once, through the first integration naming it.
    await until(
      () => w.calls.length,
      (n) => n >= 2,
      5_000,
      1,
    );
    await w.periodic.stop();
    expect(w.calls[0]).toEqual({ wabaId: 'waba-1', integrationId: 'a', token: 'token-a' });
    expect(w.calls.every((c) => c.integrationId === 'a')).toBe(true);
  });

  it('goes on with the other WABAs and the next passes when one WABA fails', async () => {
    const w = world([whatsapp('a', 'waba-1'), whatsapp('b', 'waba-2')], 1, (t) => t.wabaId === 'waba-1');
    const passes = (wabaId: string) => w.calls.filter((c) => c.wabaId === wabaId).length;
    await until(
      () => Math.min(passes('waba-1'), passes('waba-2')),
      (n) => n >= 2,
      5_000,
      5,
    );
    await w.periodic.stop();
    const wabas = w.calls.map((c) => c.wabaId);
    expect(wabas.filter((x) => x === 'waba-2').length).toBeGreaterThanOrEqual(2);
    expect(wabas.filter((x) => x === 'waba-1').length).toBeGreaterThanOrEqual(2);
  });

  it('stops: no pass starts after stop() resolved', async () => {
    const w = world([whatsapp('a', 'waba-1')], 20);
    await until(
      () => w.calls.length,
      (n) => n >= 1,
      5_000,
      1,
    );
    await w.periodic.stop();
    const count = w.calls.length;
    // wait-ok: asserts that nothing happens (12 intervals); no event marks "no pass started".
    await sleep(60);
    expect(w.calls.length).toBe(count);
  });
});
