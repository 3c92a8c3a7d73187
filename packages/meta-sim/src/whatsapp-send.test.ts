import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appSecretProof } from './auth.ts';
import { startTestSim, type TestSim, USER_A, WA, waText } from './test-kit.ts';

let t: TestSim;
beforeAll(async () => {
  t = await startTestSim();
});
afterAll(() => t.sim.stop());
beforeEach(() => t.sim.reset('all'));

const SEND = `/${WA.phoneNumberId}/messages`;

describe('WhatsApp send', () => {
  it('accepts a text message with the Cloud API response shape and a unique wamid', async () => {
    const first = await t.post(SEND, waText('+1 650-555-1234', 'Hello'));
    const second = await t.post(SEND, waText(USER_A, 'Hello again'));
    expect(first.status).toBe(200);
    expect(first.json).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ input: '+1 650-555-1234', wa_id: USER_A }],
      messages: [{ id: expect.stringMatching(/^wamid\.HBg[A-Za-z0-9+/=]+$/) }],
    });
    expect(second.json.messages[0].id).not.toBe(first.json.messages[0].id);
  });

  it('accepts every message type in a well-formed shape, on any vN.N version', async () => {
    const bodies = [
      { type: 'image', image: { link: 'https://example.com/a.jpg', caption: 'x' } },
      { type: 'audio', audio: { id: '1003383421387256' } },
      { type: 'video', video: { id: '1' } },
      { type: 'document', document: { link: 'https://example.com/a.pdf', filename: 'a.pdf' } },
      { type: 'sticker', sticker: { id: '2' } },
      { type: 'location', location: { latitude: -23.5, longitude: -46.6, name: 'Shop' } },
      { type: 'contacts', contacts: [{ name: { formatted_name: 'Ana' }, phones: [{ phone: '+55' }] }] },
      {
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'Pick one' },
          action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'Yes' } }] },
        },
      },
      {
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: 'Menu' },
          action: { button: 'Open', sections: [{ title: 'S', rows: [{ id: 'r1', title: 'Row' }] }] },
        },
      },
      {
        type: 'interactive',
        interactive: {
          type: 'cta_url',
          body: { text: 'Visit' },
          action: { name: 'cta_url', parameters: { display_text: 'Go', url: 'https://example.com' } },
        },
      },
      { type: 'reaction', reaction: { message_id: 'wamid.abc', emoji: '👍' } },
      { type: 'text', text: { body: 'reply' }, context: { message_id: 'wamid.prev' } },
    ];
    // Many messages to one recipient: lift the pair rate limit (covered in limits.test.ts).
    t.sim.setLimits({ whatsappPairBurst: Infinity });
    for (const body of bodies) {
      const res = await t.post(
        SEND,
        { messaging_product: 'whatsapp', to: USER_A, ...body },
        { base: `${t.sim.url}/v23.0` },
      );
      expect(res.status, `${body.type}: ${res.text}`).toBe(200);
    }
    expect(t.sim.ledger.count({ channel: 'whatsapp' })).toBe(bodies.length);
  });

  it('answers a template send with message_status accepted', async () => {
    const res = await t.post(SEND, {
      messaging_product: 'whatsapp',
      to: USER_A,
      type: 'template',
      template: { name: 'order_update', language: { code: 'en_US' } },
    });
    expect(res.status).toBe(200);
    expect(res.json.messages[0]).toEqual({
      id: expect.stringMatching(/^wamid\./),
      message_status: 'accepted',
    });
  });

  it('marks a message read with {success:true} and keeps it out of the ledger', async () => {
    const res = await t.post(SEND, { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.in' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ success: true });
    expect(t.sim.ledger.count()).toBe(0);
  });

  it.each([
    [
      'missing messaging_product',
      { to: USER_A, type: 'text', text: { body: 'x' } },
      undefined,
      'messaging_product',
    ],
    [
      'wrong messaging_product',
      { messaging_product: 'sms', to: USER_A, text: { body: 'x' } },
      'messaging_product',
      undefined,
    ],
    ['missing to', { messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } }, undefined, 'to'],
    ['letters in to', { messaging_product: 'whatsapp', to: 'abc', text: { body: 'x' } }, "'to'", undefined],
    [
      'unknown type',
      { messaging_product: 'whatsapp', to: USER_A, type: 'fax', fax: {} },
      'Param type must be one of',
      undefined,
    ],
    [
      'type object missing',
      { messaging_product: 'whatsapp', to: USER_A, type: 'image' },
      'Param image is required',
      undefined,
    ],
    [
      'empty text body',
      { messaging_product: 'whatsapp', to: USER_A, type: 'text', text: {} },
      "text['body'] is required",
      undefined,
    ],
    [
      'text over 4096',
      { messaging_product: 'whatsapp', to: USER_A, text: { body: 'x'.repeat(4097) } },
      '4096',
      undefined,
    ],
    [
      'media with id and link',
      { messaging_product: 'whatsapp', to: USER_A, type: 'image', image: { id: '1', link: 'https://a.b/c' } },
      'exactly one of id or link',
      undefined,
    ],
    [
      'media with neither',
      { messaging_product: 'whatsapp', to: USER_A, type: 'video', video: {} },
      'exactly one of id or link',
      undefined,
    ],
    [
      'four reply buttons',
      {
        messaging_product: 'whatsapp',
        to: USER_A,
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'b' },
          action: {
            buttons: [1, 2, 3, 4].map((i) => ({ type: 'reply', reply: { id: `${i}`, title: `t${i}` } })),
          },
        },
      },
      '1 to 3 buttons',
      undefined,
    ],
    [
      'button title over 20',
      {
        messaging_product: 'whatsapp',
        to: USER_A,
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'b' },
          action: { buttons: [{ type: 'reply', reply: { id: '1', title: 'x'.repeat(21) } }] },
        },
      },
      "['reply']['title']",
      undefined,
    ],
    [
      'list with 11 rows',
      {
        messaging_product: 'whatsapp',
        to: USER_A,
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: 'b' },
          action: {
            button: 'Go',
            sections: [
              { title: 's', rows: Array.from({ length: 11 }, (_, i) => ({ id: `${i}`, title: `r${i}` })) },
            ],
          },
        },
      },
      'at most 10 rows',
      undefined,
    ],
    [
      'cta_url without url',
      {
        messaging_product: 'whatsapp',
        to: USER_A,
        type: 'interactive',
        interactive: {
          type: 'cta_url',
          body: { text: 'b' },
          action: { name: 'cta_url', parameters: { display_text: 'Go' } },
        },
      },
      "['url']",
      undefined,
    ],
    [
      'template without language',
      { messaging_product: 'whatsapp', to: USER_A, type: 'template', template: { name: 'x' } },
      "template['language']['code']",
      undefined,
    ],
    [
      'reaction without message_id',
      { messaging_product: 'whatsapp', to: USER_A, type: 'reaction', reaction: { emoji: '👍' } },
      "reaction['message_id']",
      undefined,
    ],
    [
      'context without message_id',
      { messaging_product: 'whatsapp', to: USER_A, text: { body: 'x' }, context: {} },
      "context['message_id']",
      undefined,
    ],
  ])('refuses %s with code 100', async (_name, body, details, required) => {
    const res = await t.post(SEND, body);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({
      code: 100,
      type: 'OAuthException',
      fbtrace_id: expect.any(String),
    });
    if (required) {
      // fixture 100_required_param: no error_data on this variant.
      expect(res.json.error.message).toBe(`(#100) The parameter ${required} is required.`);
      expect(res.json.error.error_data).toBeUndefined();
    } else {
      expect(res.json.error.message).toBe('(#100) Invalid parameter');
      expect(res.json.error.error_data).toEqual({
        messaging_product: 'whatsapp',
        details: expect.stringContaining(details ?? ''),
      });
    }
    expect(t.sim.ledger.count()).toBe(0);
  });

  it('answers 100/33 GraphMethodException for an unknown phone number id', async () => {
    const res = await t.post('/999000111/messages', waText(USER_A, 'x'));
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 100, error_subcode: 33, type: 'GraphMethodException' });
    expect(res.json.error.message).toMatch(
      /^Unsupported post request\. Object with ID '999000111' does not exist/,
    );
  });

  it('answers unknown path components with 2500', async () => {
    const res = await t.get('/v1/bogus/path');
    expect(res.json.error).toMatchObject({
      code: 2500,
      message: 'Unknown path components: /v21.0/v1/bogus/path',
    });
  });
});

describe('WhatsApp tokens', () => {
  it('refuses an unknown or missing token with 190 and HTTP 401', async () => {
    for (const token of ['not-a-token', null]) {
      const res = await t.post(SEND, waText(USER_A, 'x'), { token });
      expect(res.status).toBe(401);
      expect(res.json.error).toMatchObject({
        code: 190,
        type: 'OAuthException',
        message: 'Invalid OAuth access token - Cannot parse access token',
      });
      expect(res.headers.get('www-authenticate')).toContain('invalid_token');
    }
  });

  it('takes the token from the access_token query parameter too', async () => {
    const res = await t.post(`${SEND}?access_token=${WA.token}`, waText(USER_A, 'x'), { token: null });
    expect(res.status).toBe(200);
  });

  it('after a rotation the old token gets 190/463 and the new one works', async () => {
    const fresh = t.sim.accounts.rotateToken(WA.token, 'EAAGrotatedToken9999');
    const old = await t.post(SEND, waText(USER_A, 'x'));
    expect(old.status).toBe(401);
    expect(old.json.error).toMatchObject({ code: 190, error_subcode: 463 });
    expect(old.json.error.message).toMatch(/^Error validating access token: Session has expired on /);
    const ok = await t.post(SEND, waText(USER_A, 'x'), { token: fresh });
    expect(ok.status).toBe(200);
    expect(t.sim.ledger.entries()[0]?.tokenLast4).toBe('9999');
  });

  it('an invalidated token gets 190/460', async () => {
    t.sim.accounts.revokeToken(WA.token, 'invalidated');
    const res = await t.post(SEND, waText(USER_A, 'x'));
    expect(res.json.error).toMatchObject({ code: 190, error_subcode: 460 });
  });

  it('a token past its expiry on the simulator clock gets 190/463', async () => {
    t.sim.accounts.addToken({
      token: 'short-lived',
      accounts: [WA.phoneNumberId],
      expiresAt: t.clock.now() + 60_000,
    });
    expect((await t.post(SEND, waText(USER_A, 'x'), { token: 'short-lived' })).status).toBe(200);
    t.clock.advance(60_000);
    const res = await t.post(SEND, waText(USER_A, 'x'), { token: 'short-lived' });
    expect(res.json.error).toMatchObject({ code: 190, error_subcode: 463 });
  });

  it('a valid token without access to the number gets 100/33', async () => {
    t.sim.accounts.addToken({ token: 'other-business', accounts: ['555'] });
    const res = await t.post(SEND, waText(USER_A, 'x'), { token: 'other-business' });
    expect(res.json.error).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it('requires a correct appsecret_proof when the app demands it', async () => {
    t.sim.configure({ requireAppSecretProof: true });
    const missing = await t.post(SEND, waText(USER_A, 'x'));
    expect(missing.json.error).toMatchObject({ code: 100, type: 'GraphMethodException' });
    expect(missing.json.error.message).toBe('API calls from the server require an appsecret_proof argument');
    const wrong = await t.post(`${SEND}?appsecret_proof=${'0'.repeat(64)}`, waText(USER_A, 'x'));
    expect(wrong.json.error).toMatchObject({
      code: 100,
      type: 'GraphMethodException',
      message: 'Invalid appsecret_proof provided in the API argument',
    });
    const proof = appSecretProof(WA.token, t.sim.app.secret);
    const ok = await t.post(`${SEND}?appsecret_proof=${proof}`, waText(USER_A, 'x'));
    expect(ok.status).toBe(200);
  });
});
