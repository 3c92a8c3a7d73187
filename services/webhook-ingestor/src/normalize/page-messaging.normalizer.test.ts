import { describe, expect, it } from 'vitest';
import { fakeContext, fixture, normalize, normalizeFixture, single } from './test-support.ts';

const IG = '17841405793187218';
const IGSID = '1129842642640637';
const PAGE = '112233445566778';
const PSID = '6789012345678901';

const item = (psid: string, mid: string, text: string, timestamp: number) => ({
  sender: { id: psid },
  recipient: { id: PAGE },
  timestamp,
  message: { mid, text },
});

describe('Instagram and Messenger normalizer', () => {
  it('publishes every messaging item of every entry, in payload order', () => {
    const body = {
      object: 'page',
      entry: [
        {
          id: PAGE,
          time: 1,
          messaging: [item('111', 'm_1', 'one', 1749420000001), item('222', 'm_2', 'two', 1749420000002)],
        },
        {
          id: '998877',
          time: 2,
          messaging: [item('333', 'm_3', 'three', 1749420000003), item('111', 'm_4', 'four', 1749420000004)],
        },
      ],
    };
    const events = normalize(body).events;
    expect(
      events.map((e) => [
        e.account.id,
        e.contact?.id,
        e.payload && 'text' in e.payload ? e.payload.text : undefined,
      ]),
    ).toEqual([
      [PAGE, '111', 'one'],
      [PAGE, '222', 'two'],
      ['998877', '333', 'three'],
      ['998877', '111', 'four'],
    ]);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(4);
  });

  it('publishes Instagram messaging and standby items of one entry', () => {
    const body = fixture('instagram-text.json');
    const entry = (body.entry as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
    const reaction = fixture('instagram-reaction.json');
    const reactionItem = ((reaction.entry as Array<Record<string, unknown[]>>)[0]?.messaging ?? [])[0];
    entry.messaging = [...(entry.messaging as unknown[]), reactionItem];
    entry.standby = [
      {
        sender: { id: '555' },
        recipient: { id: IG },
        timestamp: 1733998200000,
        message: { mid: 'aWdf_standby', text: 'anyone?' },
      },
    ];
    const events = normalize(body).events;
    expect(events.map((e) => [e.kind, e.contact?.id])).toEqual([
      ['message', IGSID],
      ['reaction', IGSID],
      ['message', '555'],
    ]);
    // Only the standby item says another app owns the thread.
    expect(events.map((e) => e.standby ?? false)).toEqual([false, false, true]);
  });

  it('gives a redelivery the same ids, and each reaction change its own', () => {
    const names = [
      'messenger-text.json',
      'messenger-read.json',
      'messenger-delivery.json',
      'instagram-reaction.json',
      'instagram-reaction-unreact.json',
      'instagram-postback.json',
    ];
    const first = names.flatMap((name) => normalizeFixture(name).map((e) => e.eventId));
    const again = names.flatMap((name) => normalizeFixture(name).map((e) => e.eventId));
    expect(again).toEqual(first);
    // The reaction and the unreact share a mid, and so does the read receipt.
    expect(new Set(first).size).toBe(names.length);
  });

  it('does not deduplicate two dashboard tests, which share mid "random_mid"', () => {
    const first = fixture('instagram-test-changes.json');
    const second = fixture('instagram-test-changes.json');
    ((second.entry as unknown[])[0] as Record<string, unknown>).time = 1754520999;
    const [a, b, aAgain] = [first, second, fixture('instagram-test-changes.json')].map(
      (body) => single(normalize(body).events, 'message').eventId,
    );
    expect(a).not.toBe(b);
    expect(aAgain).toBe(a);
  });

  it('decodes escaped unicode, slashes and surrogate pairs in a raw Messenger body', () => {
    const raw = `{"object":"page","entry":[{"id":"${PAGE}","time":1749420000456,"messaging":[{"sender":{"id":"${PSID}"},"recipient":{"id":"${PAGE}"},"timestamp":1749420000123,"message":{"mid":"m_1","text":"caf\\u00e9 \\/ \\ud83d\\ude00"}}]}]}`;
    const payload = single(normalize(JSON.parse(raw)).events, 'message').payload;
    expect(payload.type === 'text' && payload.text).toBe('café / 😀');
  });

  it('turns a malformed item into unsupported and keeps the others', () => {
    const body = {
      object: 'instagram',
      entry: [
        {
          id: IG,
          time: 1733998064122,
          messaging: [
            item(IGSID, 'aWdf_1', 'before', 1733998063523),
            {
              sender: { id: IGSID },
              recipient: { id: IG },
              timestamp: 1733998063524,
              message: { text: 'no mid' },
            },
            {
              sender: { id: IGSID },
              recipient: { id: IG },
              timestamp: 1733998063525,
              delivery: { mids: [] },
            },
            null,
            item(IGSID, 'aWdf_2', 'after', 1733998063526),
          ],
        },
      ],
    };
    const events = normalize(body).events;
    expect(events.map((e) => e.kind)).toEqual([
      'message',
      'unsupported',
      'unsupported',
      'unsupported',
      'message',
    ]);
    expect(events[1]).toMatchObject({
      contact: { id: IGSID },
      payload: { reason: 'malformed Instagram messaging item: message.mid is missing or invalid' },
    });
    expect(events[2]?.payload).toMatchObject({
      reason: 'malformed Instagram messaging item: delivery.watermark is missing or invalid',
    });
    expect(new Set(events.map((e) => e.eventId)).size).toBe(5);
  });

  it('publishes a non-messaging change field as unsupported', () => {
    const body = {
      object: 'instagram',
      entry: [
        {
          id: IG,
          time: 1733998064,
          changes: [{ field: 'comments', value: { id: '1790', text: 'nice', from: { id: '42' } } }],
        },
      ],
    };
    expect(single(normalize(body).events, 'unsupported').payload).toEqual({
      type: 'comments',
      reason: 'Instagram change field comments is not normalized',
    });
  });

  it('resolves the integration per Page and counts unknown accounts', () => {
    const body = {
      object: 'page',
      entry: [
        { id: PAGE, messaging: [item(PSID, 'm_1', 'a', 1)] },
        { id: '404', messaging: [item(PSID, 'm_2', 'b', 2)] },
      ],
    };
    const result = normalize(body, fakeContext({ [`messenger:${PAGE}`]: 'int_page_1' }));
    expect(result.events.map((e) => e.integrationId)).toEqual(['int_page_1', null]);
    expect(result.unknownAccounts).toBe(1);
  });
});
