import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PAGE, startTestSim, type TestSim, USER_A, USER_B, WA, waTemplate, waText } from './test-kit.ts';

// The simulator clock is frozen in these tests, so "within one second" is exact.
let t: TestSim;
beforeAll(async () => {
  t = await startTestSim();
});
afterAll(() => t.sim.stop());
beforeEach(() => t.sim.reset('all'));

const SEND = `/${WA.phoneNumberId}/messages`;
const recipient = (i: number) => String(5511900000000 + i);

describe('WhatsApp throughput per phone number', () => {
  it('lets 80 messages through in a second and answers the 81st with 130429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 80; i++) statuses.push((await t.post(SEND, waText(recipient(i), 'x'))).status);
    expect(statuses.every((s) => s === 200)).toBe(true);

    const over = await t.post(SEND, waText(recipient(80), 'x'));
    expect(over.status).toBe(400);
    expect(over.json.error).toMatchObject({
      message: '(#130429) Rate limit hit',
      type: 'OAuthException',
      code: 130429,
      error_data: {
        messaging_product: 'whatsapp',
        details: 'Cloud API message throughput has been reached.',
      },
    });
    expect(t.sim.ledger.count()).toBe(80);

    t.clock.advance(1000);
    expect((await t.post(SEND, waText(recipient(81), 'x'))).status).toBe(200);
  });

  it('never answers 130429 once the limit is lifted', async () => {
    t.sim.setLimits({ whatsappPerSecond: Infinity });
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => t.post(SEND, waText(recipient(i), 'x'))),
    );
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
  });

  it('honours a per-number override (an upgraded number) without touching others', async () => {
    t.sim.setLimits({ perAccount: { [WA.phoneNumberId]: 5 } });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await t.post(SEND, waText(recipient(i), 'x'))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 400]);
  });
});

describe('WhatsApp pair rate', () => {
  it('answers 131056 after the burst to the same recipient while another recipient still passes', async () => {
    // Default: burst of 3, then one message per 6 s to the same user.
    for (let i = 0; i < 3; i++) expect((await t.post(SEND, waText(USER_A, `m${i}`))).status).toBe(200);
    const limited = await t.post(SEND, waText(USER_A, 'one too many'));
    expect(limited.status).toBe(400);
    expect(limited.json.error).toMatchObject({
      message: '(#131056) (Business Account, Consumer Account) pair rate limit hit',
      code: 131056,
      error_data: { messaging_product: 'whatsapp' },
    });
    expect((await t.post(SEND, waText(USER_B, 'different user'))).status).toBe(200);

    t.clock.advance(5_999);
    expect((await t.post(SEND, waText(USER_A, 'still early'))).status).toBe(400);
    t.clock.advance(1);
    expect((await t.post(SEND, waText(USER_A, 'one token back'))).status).toBe(200);
  });

  it('is lifted with an infinite burst', async () => {
    t.sim.setLimits({ whatsappPairBurst: Infinity });
    for (let i = 0; i < 20; i++) expect((await t.post(SEND, waText(USER_A, `m${i}`))).status).toBe(200);
  });
});

describe('WhatsApp 24 h customer service window', () => {
  it('refuses free-form messages with 131047 when enforced, while templates pass', async () => {
    t.sim.configure({ enforceCustomerWindow: true });
    const text = await t.post(SEND, waText(USER_A, 'hello?'));
    expect(text.status).toBe(400);
    expect(text.json.error).toMatchObject({
      message: '(#131047) Re-engagement message',
      code: 131047,
      error_data: {
        messaging_product: 'whatsapp',
        details:
          'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      },
    });
    expect((await t.post(SEND, waTemplate(USER_A))).status).toBe(200);
  });

  it('opens for 24 h after an inbound message on the simulator clock', async () => {
    t.sim.configure({ enforceCustomerWindow: true });
    t.sim.window.recordInbound({ from: USER_A, phoneNumberId: WA.phoneNumberId });
    t.clock.advance(23 * 3600_000);
    expect((await t.post(SEND, waText(USER_A, 'within the window'))).status).toBe(200);
    t.clock.advance(3600_000);
    expect((await t.post(SEND, waText(USER_A, 'window closed'))).json.error.code).toBe(131047);
  });

  it('lets everything through when not enforced (the default)', async () => {
    expect((await t.post(SEND, waText(USER_A, 'no window rule'))).status).toBe(200);
  });
});

describe('Messenger and Instagram calls per second', () => {
  it('answers 613 past the per-Page limit', async () => {
    t.sim.setLimits({ messengerPerSecond: 10 });
    const body = { recipient: { id: '6789' }, messaging_type: 'RESPONSE', message: { text: 'x' } };
    const statuses = [];
    for (let i = 0; i < 11; i++) statuses.push(await t.post('/me/messages', body, { token: PAGE.token }));
    expect(statuses.slice(0, 10).every((r) => r.status === 200)).toBe(true);
    expect(statuses[10]?.json.error).toMatchObject({
      code: 613,
      message: '(#613) Calls to this api have exceeded the rate limit.',
    });
  });
});
