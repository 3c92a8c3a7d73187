import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestSim, type TestSim, USER_A, USER_B, WA, waText } from './test-kit.ts';

let t: TestSim;
beforeAll(async () => {
  t = await startTestSim({ limits: { whatsappPairBurst: Infinity } });
});
afterAll(() => t.sim.stop());
beforeEach(() => t.sim.reset('all'));

const SEND = `/${WA.phoneNumberId}/messages`;

function rawSend(body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${t.sim.graphUrl}${SEND}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${WA.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

describe('fault rules', () => {
  it('fails the next 2 matching calls with 503, then lets calls through', async () => {
    t.sim.faults.add({ match: { channel: 'whatsapp' }, action: { type: 'error', status: 503 }, times: 2 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await t.post(SEND, waText(USER_A, `m${i}`))).status);
    expect(statuses).toEqual([503, 503, 200, 200]);
    expect(t.sim.ledger.count()).toBe(2);
    expect(t.sim.faults.list()[0]).toMatchObject({ hits: 2, exhausted: true });
  });

  it('answers the fixture body for a known code, with Retry-After when configured', async () => {
    t.sim.faults.add({ action: { type: 'error', code: 80007, retryAfter: 30 }, times: 1 });
    const res = await t.post(SEND, waText(USER_A, 'x'));
    expect(res.status).toBe(400);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(res.json.error).toMatchObject({ code: 80007, is_transient: true, type: 'OAuthException' });
    expect(res.json.error.message).toMatch(
      /^\(#80007\) There have been too many calls to this WhatsApp Business account/,
    );

    t.sim.faults.add({ action: { type: 'error', code: 131026 }, times: 1 });
    const undeliverable = await t.post(SEND, waText(USER_A, 'x'));
    expect(undeliverable.headers.get('retry-after')).toBeNull();
    expect(undeliverable.json.error).toMatchObject({
      message: '(#131026) Message Undeliverable',
      code: 131026,
      error_data: { messaging_product: 'whatsapp', details: 'Message Undeliverable.' },
    });
  });

  it('matches on recipient, path and method', async () => {
    t.sim.faults.add({ match: { to: USER_B }, action: { type: 'error', code: 131026 } });
    t.sim.faults.add({
      match: { method: 'GET', pathPattern: '/*/me' },
      action: { type: 'error', status: 500, code: 2 },
    });
    expect((await t.post(SEND, waText(USER_A, 'x'))).status).toBe(200);
    expect((await t.post(SEND, waText(USER_B, 'x'))).json.error.code).toBe(131026);
    const me = await t.get('/me');
    expect(me.status).toBe(500);
    expect(me.json.error).toMatchObject({ code: 2, is_transient: true });
  });

  it('applies a probability with a seeded RNG: about that share, the same calls on every run', async () => {
    const run = async () => {
      t.sim.reset();
      t.sim.faults.add({ action: { type: 'error', status: 503 }, probability: 0.2, seed: 42 });
      const failed: number[] = [];
      for (let i = 0; i < 400; i++) {
        if ((await t.post(SEND, waText(USER_A, `m${i}`))).status === 503) failed.push(i);
      }
      return failed;
    };
    const first = await run();
    const second = await run();
    expect(first.length / 400).toBeGreaterThan(0.15);
    expect(first.length / 400).toBeLessThan(0.25);
    expect(second).toEqual(first);
  });

  it('resets the connection: the client sees a socket error and nothing is accepted', async () => {
    t.sim.faults.add({ action: { type: 'reset' }, times: 1 });
    const error = await rawSend(waText(USER_A, 'x')).then(
      () => undefined,
      (err: Error & { cause?: { code?: string } }) => err,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error?.cause?.code)).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    expect(t.sim.ledger.count()).toBe(0);
    expect((await t.post(SEND, waText(USER_A, 'after'))).status).toBe(200);
  });

  it('can accept the send and still reset: the ledger has it, the client never heard', async () => {
    t.sim.faults.add({ action: { type: 'reset', process: true }, times: 1 });
    await expect(rawSend(waText(USER_A, 'x'))).rejects.toThrow();
    expect(t.sim.ledger.count()).toBe(1);
  });

  it('never answers on a timeout rule, so the client gives up', async () => {
    t.sim.faults.add({ action: { type: 'timeout' }, times: 1 });
    const started = Date.now();
    await expect(rawSend(waText(USER_A, 'x'), AbortSignal.timeout(300))).rejects.toThrow(/timeout|aborted/i);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(t.sim.ledger.count()).toBe(0);
  });

  it('answers after N ms on a timeout rule with ms', async () => {
    t.sim.faults.add({ action: { type: 'timeout', ms: 250 }, times: 1 });
    const started = performance.now();
    const res = await rawSend(waText(USER_A, 'x'));
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(245);
  });

  it('adds latency per rule and globally, and latency rules stack with an error rule', async () => {
    t.sim.faults.add({ action: { type: 'latency', ms: 120 } });
    let started = performance.now();
    expect((await t.post(SEND, waText(USER_A, 'x'))).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);

    t.sim.configure({ latencyMs: 80 });
    t.sim.faults.add({ action: { type: 'error', status: 503 }, times: 1 });
    started = performance.now();
    expect((await t.post(SEND, waText(USER_A, 'x'))).status).toBe(503);
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
  });

  it('can be removed by id', async () => {
    const rule = t.sim.faults.add({ id: 'flaky', action: { type: 'error', status: 503 } });
    expect((await t.post(SEND, waText(USER_A, 'x'))).status).toBe(503);
    expect(t.sim.faults.remove(rule.id)).toBe(true);
    expect((await t.post(SEND, waText(USER_A, 'x'))).status).toBe(200);
  });
});
