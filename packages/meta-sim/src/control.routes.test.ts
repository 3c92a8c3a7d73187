import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestSim, type TestSim, USER_A, waTemplate, waText } from './test-kit.ts';

// Everything here goes through `/_sim/*` only, as the demo and benchmarks (other processes) do.
let t: TestSim;
beforeAll(async () => {
  t = await startTestSim();
});
afterAll(() => t.sim.stop());
beforeEach(() => t.control('POST', '/reset', { scope: 'all' }));

const PHONE = '200300400500';
const TOKEN = 'EAAGcontrolApiToken7777';
const send = (body: unknown, token = TOKEN) => t.post(`/${PHONE}/messages`, body, { token });

describe('/_sim control API', () => {
  it('registers a WhatsApp number with its token, and rotates the token', async () => {
    const created = await t.control('POST', '/accounts/whatsapp', {
      phoneNumberId: PHONE,
      wabaId: '900',
      tokens: [TOKEN],
    });
    expect(created.status).toBe(201);
    expect((await send(waText(USER_A, 'x'))).status).toBe(200);

    const accounts = await t.control('GET', '/accounts');
    expect(accounts.json.whatsapp).toContainEqual(
      expect.objectContaining({ phoneNumberId: PHONE, wabaId: '900' }),
    );
    // Tokens are listed by their last four characters only.
    expect(accounts.json.tokens).toContainEqual(
      expect.objectContaining({ last4: '7777', accounts: [PHONE, '900'] }),
    );
    expect(accounts.text).not.toContain(TOKEN);

    const rotated = await t.control('POST', '/tokens/rotate', {
      oldToken: TOKEN,
      newToken: 'EAAGnewToken8888',
      reason: 'invalidated',
    });
    expect(rotated.json).toEqual({ token: 'EAAGnewToken8888' });
    expect((await send(waText(USER_A, 'x'))).json.error).toMatchObject({ code: 190, error_subcode: 460 });
    expect((await send(waText(USER_A, 'x'), 'EAAGnewToken8888')).status).toBe(200);

    const bad = await t.control('POST', '/accounts/whatsapp', { phoneNumberId: '' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.issues).toEqual(expect.any(Array));
  });

  it('adds, lists and deletes fault rules', async () => {
    await t.control('POST', '/accounts/whatsapp', { phoneNumberId: PHONE, wabaId: '900', tokens: [TOKEN] });
    const rule = await t.control('POST', '/faults', {
      id: 'flaky-send',
      match: { channel: 'whatsapp', pathPattern: '/*/*/messages' },
      action: { type: 'error', status: 429, code: 130429, retryAfter: 2 },
      times: 1,
    });
    expect(rule.status).toBe(201);
    const limited = await send(waText(USER_A, 'x'));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.json.error).toMatchObject({ code: 130429, message: '(#130429) Rate limit hit' });
    expect((await t.control('GET', '/faults')).json).toEqual([
      expect.objectContaining({ id: 'flaky-send', hits: 1, exhausted: true }),
    ]);

    await t.control('POST', '/faults', { id: 'down', action: { type: 'error', status: 503 } });
    expect((await send(waText(USER_A, 'x'))).status).toBe(503);
    expect((await t.control('DELETE', '/faults/down')).json).toEqual({ removed: true });
    expect((await send(waText(USER_A, 'x'))).status).toBe(200);
    expect((await t.control('POST', '/faults', { action: { type: 'explode' } })).status).toBe(400);
  });

  it('reads and changes limits; null lifts one', async () => {
    await t.control('POST', '/accounts/whatsapp', { phoneNumberId: PHONE, wabaId: '900', tokens: [TOKEN] });
    expect((await t.control('GET', '/limits')).json).toMatchObject({
      whatsappPerSecond: 80,
      whatsappPairBurst: 3,
    });

    const changed = await t.control('PUT', '/limits', { whatsappPerSecond: 2, whatsappPairBurst: null });
    expect(changed.json).toMatchObject({ whatsappPerSecond: 2, whatsappPairBurst: null });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await send(waText(USER_A, `m${i}`))).status);
    expect(statuses).toEqual([200, 200, 400]);

    await t.control('PUT', '/limits', { whatsappPerSecond: null });
    expect((await send(waText(USER_A, 'lifted'))).status).toBe(200);
  });

  it('drives the 24 h window and the clock', async () => {
    await t.control('POST', '/accounts/whatsapp', { phoneNumberId: PHONE, wabaId: '900', tokens: [TOKEN] });
    expect(
      (await t.control('PUT', '/settings', { enforceCustomerWindow: true })).json.enforceCustomerWindow,
    ).toBe(true);
    expect((await send(waText(USER_A, 'x'))).json.error.code).toBe(131047);
    await t.control('POST', '/window/inbound', { from: USER_A, phoneNumberId: PHONE });
    expect((await send(waText(USER_A, 'x'))).status).toBe(200);

    const before = (await t.control('GET', '/clock')).json.now;
    const after = await t.control('POST', '/clock', { advanceMs: 25 * 3600_000 });
    expect(after.json.now - before).toBe(25 * 3600_000);
    expect((await send(waText(USER_A, 'x'))).json.error.code).toBe(131047);
    expect((await send(waTemplate(USER_A))).status).toBe(200);
  });

  it('seeds several things at once, and reset clears the ledger but keeps accounts', async () => {
    const seeded = await t.control('POST', '/seed', {
      whatsapp: [{ phoneNumberId: PHONE, wabaId: '900', tokens: [TOKEN] }],
      templates: [{ wabaId: '900', name: 'hello_world', language: 'en_US' }],
      settings: { latencyMs: 0 },
    });
    expect(seeded.status).toBe(200);
    expect((await t.get('/900/message_templates', { token: TOKEN })).json.data).toHaveLength(1);
    await send(waText(USER_A, 'x'));
    expect((await t.control('GET', '/state')).json.ledger.count).toBe(1);

    await t.control('POST', '/reset');
    expect((await t.control('GET', '/ledger')).json.count).toBe(0);
    expect((await send(waText(USER_A, 'still registered'))).status).toBe(200);
  });

  it('answers unknown control routes with 404 JSON', async () => {
    const res = await t.control('GET', '/nope');
    expect(res.status).toBe(404);
    expect(res.json.error.message).toContain('/_sim/nope');
  });
});
