import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IG, PAGE, startTestSim, type TestSim } from './test-kit.ts';

let t: TestSim;
beforeAll(async () => {
  t = await startTestSim();
});
afterAll(() => t.sim.stop());
beforeEach(() => t.sim.reset('all'));

const PSID = '6789012345678901';
const IGSID = '1129842642640637';

describe('Messenger send', () => {
  const send = (body: unknown, path = `/${PAGE.pageId}/messages`) =>
    t.post(path, body, { token: PAGE.token });

  it('accepts a text on /{page-id}/messages and /me/messages with {recipient_id, message_id}', async () => {
    for (const path of [`/${PAGE.pageId}/messages`, '/me/messages']) {
      const res = await send(
        { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'Hi' } },
        path,
      );
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ recipient_id: PSID, message_id: expect.stringMatching(/^m_/) });
    }
    expect(t.sim.ledger.entries({ channel: 'messenger' }).map((e) => e.accountId)).toEqual([
      PAGE.pageId,
      PAGE.pageId,
    ]);
  });

  it('accepts attachments, quick replies, MESSAGE_TAG with a tag, and sender actions', async () => {
    const ok = [
      {
        recipient: { id: PSID },
        messaging_type: 'UPDATE',
        message: {
          attachment: { type: 'image', payload: { url: 'https://example.com/a.png', is_reusable: true } },
        },
      },
      {
        recipient: { id: PSID },
        messaging_type: 'RESPONSE',
        message: {
          text: 'Pick',
          quick_replies: Array.from({ length: 13 }, (_, i) => ({
            content_type: 'text',
            title: `Q${i}`,
            payload: `P${i}`,
          })),
        },
      },
      {
        recipient: { id: PSID },
        messaging_type: 'MESSAGE_TAG',
        tag: 'HUMAN_AGENT',
        message: { text: 'Agent here' },
      },
    ];
    for (const body of ok) expect((await send(body)).status).toBe(200);
    const typing = await send({ recipient: { id: PSID }, sender_action: 'typing_on' });
    expect(typing.json).toEqual({ recipient_id: PSID });
    expect(t.sim.ledger.count({ channel: 'messenger' })).toBe(3);
  });

  it.each([
    [
      'missing recipient',
      { messaging_type: 'RESPONSE', message: { text: 'x' } },
      '(#100) The parameter recipient is required.',
    ],
    [
      'missing messaging_type',
      { recipient: { id: PSID }, message: { text: 'x' } },
      '(#100) The parameter messaging_type is required.',
    ],
    [
      'unknown messaging_type',
      { recipient: { id: PSID }, messaging_type: 'PROMO', message: { text: 'x' } },
      'messaging_type must be one of',
    ],
    [
      'MESSAGE_TAG without tag',
      { recipient: { id: PSID }, messaging_type: 'MESSAGE_TAG', message: { text: 'x' } },
      'The parameter tag is required',
    ],
    [
      'text over 2000 characters',
      { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'é'.repeat(2001) } },
      'less than or equal to 2000',
    ],
    [
      '14 quick replies',
      {
        recipient: { id: PSID },
        messaging_type: 'RESPONSE',
        message: {
          text: 'x',
          quick_replies: Array.from({ length: 14 }, (_, i) => ({
            content_type: 'text',
            title: `${i}`,
            payload: 'p',
          })),
        },
      },
      'at most 13',
    ],
    [
      'text and attachment',
      {
        recipient: { id: PSID },
        messaging_type: 'RESPONSE',
        message: { text: 'x', attachment: { type: 'image', payload: { url: 'https://a.b/c' } } },
      },
      'exactly one of text or attachment',
    ],
    [
      'message and sender_action',
      {
        recipient: { id: PSID },
        messaging_type: 'RESPONSE',
        message: { text: 'x' },
        sender_action: 'typing_on',
      },
      'sender_action',
    ],
    [
      'unknown sender_action',
      { recipient: { id: PSID }, sender_action: 'dance' },
      'sender_action must be one of',
    ],
  ])('refuses %s with code 100', async (_name, body, message) => {
    const res = await send(body);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 100, type: 'OAuthException' });
    expect(res.json.error.message).toContain(message);
  });

  it('counts 2000 characters, not UTF-16 units (emoji are two units each)', async () => {
    const res = await send({
      recipient: { id: PSID },
      messaging_type: 'RESPONSE',
      message: { text: '😀'.repeat(2000) },
    });
    expect(res.status).toBe(200);
  });

  it('answers 551 for a recipient configured unavailable, other recipients still pass', async () => {
    t.sim.accounts.setRecipientState(PSID, 'unavailable', PAGE.pageId);
    const res = await send({ recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'x' } });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({
      code: 551,
      error_subcode: 1545041,
      message: "(#551) This person isn't available right now.",
    });
    const other = await send({ recipient: { id: '42' }, messaging_type: 'RESPONSE', message: { text: 'x' } });
    expect(other.status).toBe(200);
  });

  it('answers 100/2018001 for a recipient configured unknown', async () => {
    t.sim.accounts.setRecipientState(PSID, 'unknown');
    const res = await send({ recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'x' } });
    expect(res.json.error).toMatchObject({ code: 100, error_subcode: 2018001 });
  });

  it('refuses the WhatsApp token on a Page (100/33)', async () => {
    const res = await t.post(`/${PAGE.pageId}/messages`, {
      recipient: { id: PSID },
      messaging_type: 'RESPONSE',
      message: { text: 'x' },
    });
    expect(res.json.error).toMatchObject({ code: 100, error_subcode: 33 });
  });
});

describe('Instagram send', () => {
  const send = (body: unknown, path = '/me/messages') =>
    t.post(path, body, { token: IG.token, base: t.sim.instagramUrl });

  it('accepts a text on /me/messages and /{ig-user-id}/messages', async () => {
    for (const path of ['/me/messages', `/${IG.igUserId}/messages`]) {
      const res = await send({ recipient: { id: IGSID }, message: { text: 'Olá 👋' } }, path);
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ recipient_id: IGSID, message_id: expect.any(String) });
    }
    expect(t.sim.ledger.entries({ channel: 'instagram' }).map((e) => [e.accountId, e.to])).toEqual([
      [IG.igUserId, IGSID],
      [IG.igUserId, IGSID],
    ]);
  });

  it('accepts 1000 bytes of multibyte text and refuses 1001 bytes', async () => {
    const thousand = `${'é'.repeat(499)}ab`; // 499 × 2 bytes + 2 = 1000 bytes, 501 characters
    expect(Buffer.byteLength(thousand)).toBe(1000);
    expect((await send({ recipient: { id: IGSID }, message: { text: thousand } })).status).toBe(200);

    const tooLong = `${'€'.repeat(333)}ab`; // 333 × 3 + 2 = 1001 bytes, only 335 characters
    expect(Buffer.byteLength(tooLong)).toBe(1001);
    const res = await send({ recipient: { id: IGSID }, message: { text: tooLong } });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 100, type: 'IGApiException' });
    expect(res.json.error.message).toContain('1000');
  });

  it('accepts attachments and quick replies, and the HUMAN_AGENT tag', async () => {
    const bodies = [
      {
        recipient: { id: IGSID },
        message: { attachment: { type: 'image', payload: { url: 'https://example.com/a.jpg' } } },
      },
      { recipient: { id: IGSID }, message: { attachment: { type: 'like_heart' } } },
      {
        recipient: { id: IGSID },
        message: { text: 'Pick', quick_replies: [{ content_type: 'text', title: 'Yes', payload: 'Y' }] },
      },
      {
        recipient: { id: IGSID },
        messaging_type: 'MESSAGE_TAG',
        tag: 'HUMAN_AGENT',
        message: { text: 'Late reply' },
      },
    ];
    for (const body of bodies) {
      const res = await send(body);
      expect(res.status, res.text).toBe(200);
    }
  });

  it.each([
    ['missing recipient', { message: { text: 'x' } }, 'The parameter recipient is required'],
    [
      'attachment without url',
      { recipient: { id: IGSID }, message: { attachment: { type: 'image', payload: {} } } },
      'url or attachment_id',
    ],
    [
      'a Messenger-only tag',
      {
        recipient: { id: IGSID },
        messaging_type: 'MESSAGE_TAG',
        tag: 'ACCOUNT_UPDATE',
        message: { text: 'x' },
      },
      'tag must be one of',
    ],
    [
      'quick reply title over 20',
      {
        recipient: { id: IGSID },
        message: {
          text: 'x',
          quick_replies: [{ content_type: 'text', title: 'x'.repeat(21), payload: 'p' }],
        },
      },
      'title',
    ],
  ])('refuses %s with code 100', async (_name, body, message) => {
    const res = await send(body);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 100, type: 'IGApiException' });
    expect(res.json.error.message).toContain(message);
  });

  it('refuses a Facebook Page token on Instagram (100/33) and an unknown token (190)', async () => {
    const page = await t.post(
      '/me/messages',
      { recipient: { id: IGSID }, message: { text: 'x' } },
      { token: PAGE.token, base: t.sim.instagramUrl },
    );
    expect(page.json.error).toMatchObject({ code: 100, error_subcode: 33 });
    const bad = await t.post(
      '/me/messages',
      { recipient: { id: IGSID }, message: { text: 'x' } },
      { token: 'IGAAnope', base: t.sim.instagramUrl },
    );
    expect(bad.status).toBe(401);
    expect(bad.json.error.code).toBe(190);
  });
});
