import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLedger } from './ledger.ts';
import { IG, PAGE, startTestSim, type TestSim, USER_A, USER_B, WA, waText } from './test-kit.ts';

let t: TestSim;
beforeAll(async () => {
  t = await startTestSim({ limits: { whatsappPairBurst: Infinity } });
});
afterAll(() => t.sim.stop());
beforeEach(() => t.sim.reset('all'));

const SEND = `/${WA.phoneNumberId}/messages`;

describe('ledger', () => {
  it('records accepted sends in order with the returned id, body, token tail and clock time', async () => {
    const a = await t.post(SEND, waText(USER_A, 'first'));
    await t.post(SEND, { messaging_product: 'whatsapp', to: USER_A }); // refused: not recorded
    t.clock.advance(1500);
    const b = await t.post(
      '/me/messages',
      { recipient: { id: '777' }, messaging_type: 'RESPONSE', message: { text: 'fb' } },
      { token: PAGE.token },
    );
    const c = await t.post(
      '/me/messages',
      { recipient: { id: '888' }, message: { text: 'ig' } },
      { token: IG.token, base: t.sim.instagramUrl },
    );

    const entries = t.sim.ledger.entries();
    expect(entries.map((e) => [e.seq, e.channel, e.accountId, e.to, e.messageId])).toEqual([
      [1, 'whatsapp', WA.phoneNumberId, USER_A, a.json.messages[0].id],
      [2, 'messenger', PAGE.pageId, '777', b.json.message_id],
      [3, 'instagram', IG.igUserId, '888', c.json.message_id],
    ]);
    expect(entries[0]).toMatchObject({
      at: t.clock.now() - 1500,
      tokenLast4: WA.token.slice(-4),
      body: waText(USER_A, 'first'),
    });
    expect(entries[1]?.tokenLast4).toBe(PAGE.token.slice(-4));
    expect(t.sim.ledger.count()).toBe(3);
    expect(t.sim.ledger.count({ channel: 'whatsapp', to: USER_A })).toBe(1);
    expect(t.sim.ledger.totals()).toEqual({ whatsapp: 1, messenger: 1, instagram: 1 });
  });

  it('finds duplicates by biz_opaque_callback_data, Messenger metadata or a [marker:…] in the text', async () => {
    await t.post(SEND, waText(USER_A, 'a', { biz_opaque_callback_data: 'cmd-1' }));
    await t.post(SEND, waText(USER_B, 'a', { biz_opaque_callback_data: 'cmd-1' }));
    await t.post(SEND, waText(USER_A, 'order shipped [marker:cmd-2]'));
    await t.post(SEND, waText(USER_A, 'order shipped again [marker:cmd-2]'));
    await t.post(SEND, waText(USER_A, 'once', { biz_opaque_callback_data: 'cmd-3' }));
    for (let i = 0; i < 3; i++) {
      await t.post(
        '/me/messages',
        { recipient: { id: '777' }, messaging_type: 'RESPONSE', message: { text: 'x', metadata: 'cmd-4' } },
        { token: PAGE.token },
      );
    }
    expect(t.sim.ledger.duplicates()).toEqual([
      { marker: 'cmd-1', count: 2 },
      { marker: 'cmd-2', count: 2 },
      { marker: 'cmd-4', count: 3 },
    ]);
    expect(t.sim.ledger.count({ marker: 'cmd-3' })).toBe(1);
  });

  it('keeps exact totals and duplicate counts past its capacity, dropping the oldest entries', () => {
    const ledger = createLedger({ capacity: 3 });
    for (let i = 1; i <= 5; i++) {
      ledger.record({
        at: i,
        channel: 'whatsapp',
        accountId: 'p',
        to: 'u',
        body: { biz_opaque_callback_data: 'same' },
        messageId: `m${i}`,
        tokenLast4: 'abcd',
      });
    }
    expect(ledger.entries().map((e) => e.messageId)).toEqual(['m3', 'm4', 'm5']);
    expect(ledger.count()).toBe(5);
    expect(ledger.duplicates()).toEqual([{ marker: 'same', count: 5 }]);
  });

  it('is served on GET /_sim/ledger with filters and cleared by DELETE /_sim/ledger', async () => {
    await t.post(SEND, waText(USER_A, 'one'));
    await t.post(SEND, waText(USER_B, 'two'));
    await t.post(SEND, waText(USER_A, 'three'));
    const res = await t.control('GET', `/ledger?channel=whatsapp&to=${USER_A}`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ count: 2, total: 3 });
    expect(res.json.entries.map((e: { body: { text: { body: string } } }) => e.body.text.body)).toEqual([
      'one',
      'three',
    ]);
    expect(
      (await t.control('GET', '/ledger?afterSeq=2')).json.entries.map((e: { seq: number }) => e.seq),
    ).toEqual([3]);
    expect(
      (await t.control('GET', '/ledger?limit=1')).json.entries.map((e: { seq: number }) => e.seq),
    ).toEqual([3]);

    expect((await t.control('DELETE', '/ledger')).status).toBe(200);
    expect((await t.control('GET', '/ledger')).json).toMatchObject({ count: 0, total: 0, entries: [] });
  });
});
