import { parseSendCommand } from '@omnistream/events';
import type { MetaSim } from '@omnistream/meta-sim';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GraphClient } from './graph-client.ts';
import { IG, IGSID, PAGE, PSID, simClient, startSim, USER, WA } from './sim-kit.ts';
import { whatsAppMessageBody } from './whatsapp-body.ts';
import type { WhatsAppMessage } from './whatsapp-message.ts';

let sim: MetaSim;
let client: GraphClient;
beforeAll(async () => {
  sim = await startSim();
  client = simClient(sim);
});
afterAll(async () => {
  await client.close();
  await sim.stop();
});
beforeEach(() => {
  sim.reset('state');
  // Many messages to one recipient: the pair limit has its own test (errors.int.test.ts).
  sim.setLimits({ whatsappPairBurst: Number.POSITIVE_INFINITY });
});

const WHATSAPP_MESSAGES: WhatsAppMessage[] = [
  { type: 'text', text: 'Olá 👋 https://example.com', previewUrl: true },
  { type: 'image', id: '1003383421387256' },
  { type: 'image', link: 'https://cdn.example.com/a.jpg', caption: 'Your order' },
  { type: 'video', link: 'https://cdn.example.com/v.mp4', caption: 'clip' },
  { type: 'audio', id: '55' },
  { type: 'document', link: 'https://cdn.example.com/i.pdf', caption: 'Invoice', filename: 'invoice.pdf' },
  { type: 'sticker', id: '77' },
  { type: 'location', latitude: -23.5505, longitude: -46.6333, name: 'Loja', address: 'Av. Paulista, 1000' },
  {
    type: 'contacts',
    contacts: [
      {
        name: { formattedName: 'Sheena Nelson', firstName: 'Sheena' },
        phones: [{ phone: '+1 650-555-1234', type: 'WORK', waId: USER }],
        emails: [{ email: 'sheena@example.com' }],
      },
    ],
  },
  {
    type: 'interactive',
    interactive: {
      type: 'buttons',
      header: { type: 'text', text: 'Order #1234' },
      body: 'Confirm delivery?',
      footer: 'Lucky Shrub',
      buttons: [
        { id: 'yes', title: 'Yes' },
        { id: 'no', title: 'No' },
      ],
    },
  },
  {
    type: 'interactive',
    interactive: {
      type: 'list',
      body: 'Pick a plant',
      buttonText: 'Plants',
      sections: [{ title: 'Shade', rows: [{ id: 'fern', title: 'Fern', description: 'Loves shade' }] }],
    },
  },
  {
    type: 'interactive',
    interactive: {
      type: 'cta_url',
      body: 'Track it',
      displayText: 'Open',
      url: 'https://shop.example.com/o/1',
    },
  },
  {
    type: 'template',
    name: 'order_update',
    language: 'en_US',
    components: [{ type: 'body', parameters: [{ type: 'text', text: 'Sheena' }] }],
  },
  {
    type: 'reaction',
    messageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI3QTRBNjU5OUFFRTAzODEwMTQ0AA==',
    emoji: '👍',
  },
];

describe('WhatsApp against meta-sim', () => {
  it('accepts every message type; the ledger holds exactly what was built', async () => {
    for (const message of WHATSAPP_MESSAGES) {
      const sent = await client.sendWhatsApp({
        phoneNumberId: WA.phoneNumberId,
        token: WA.token,
        to: USER,
        message,
      });
      expect(sent.messageId, message.type).toMatch(/^wamid\./);
      expect(sent.waId).toBe(USER);
      const [entry] = sim.ledger.entries({ afterSeq: sim.ledger.count() - 1 });
      expect(entry?.messageId).toBe(sent.messageId);
      expect(entry?.body).toStrictEqual(whatsAppMessageBody(USER, message));
    }
    expect(sim.ledger.count({ channel: 'whatsapp', accountId: WA.phoneNumberId, to: USER })).toBe(
      WHATSAPP_MESSAGES.length,
    );
  });

  it('quotes a message and reports the template message_status', async () => {
    const sent = await client.sendWhatsApp({
      phoneNumberId: WA.phoneNumberId,
      token: WA.token,
      to: '+1 650-555-1234',
      message: { type: 'template', name: 'order_update', language: 'en_US' },
      replyTo: 'wamid.PREVIOUS',
    });
    expect(sent).toMatchObject({ waId: USER, messageStatus: 'accepted' });
    expect(sim.ledger.entries().at(-1)?.body).toMatchObject({ context: { message_id: 'wamid.PREVIOUS' } });
  });

  it('marks a message read', async () => {
    await expect(
      client.markWhatsAppRead({
        phoneNumberId: WA.phoneNumberId,
        token: WA.token,
        messageId: 'wamid.INBOUND',
      }),
    ).resolves.toBeUndefined();
  });
});

describe('Messenger against meta-sim', () => {
  it('accepts text with quick replies, every attachment, a tag and a reply', async () => {
    const base = { pageId: PAGE.pageId, token: PAGE.token, recipientId: PSID } as const;
    const results = [
      await client.sendMessenger({
        ...base,
        messagingType: 'RESPONSE',
        message: {
          type: 'text',
          text: 'Pick a colour',
          quickReplies: [
            { contentType: 'text', title: 'Red', payload: 'RED' },
            { contentType: 'user_email' },
          ],
        },
        replyTo: 'm_PREVIOUS',
      }),
      ...(await Promise.all(
        (['image', 'audio', 'video', 'file'] as const).map((attachmentType) =>
          client.sendMessenger({
            ...base,
            messagingType: 'UPDATE',
            message: {
              type: 'attachment',
              attachmentType,
              url: `https://cdn.example.com/${attachmentType}`,
              isReusable: true,
            },
          }),
        ),
      )),
      await client.sendMessenger({
        ...base,
        messagingType: 'MESSAGE_TAG',
        tag: 'HUMAN_AGENT',
        message: { type: 'attachment', attachmentType: 'image', attachmentId: '1857777774821032' },
      }),
    ];
    for (const r of results)
      expect(r).toMatchObject({ messageId: expect.stringMatching(/^m_/), recipientId: PSID });
    const ledger = sim.ledger.entries({ channel: 'messenger' });
    expect(ledger.map((e) => e.messageId).sort()).toEqual(results.map((r) => r.messageId).sort());
    expect(ledger[0]?.body).toMatchObject({ reply_to: { mid: 'm_PREVIOUS' }, messaging_type: 'RESPONSE' });
  });

  it('sends a sender action without creating a message', async () => {
    const r = await client.sendMessenger({
      pageId: PAGE.pageId,
      token: PAGE.token,
      recipientId: PSID,
      senderAction: 'typing_on',
    });
    expect(r).toStrictEqual({ messageId: null, recipientId: PSID });
    expect(sim.ledger.count({ channel: 'messenger' })).toBe(0);
  });
});

describe('Instagram against meta-sim', () => {
  it('accepts 1000 bytes of multibyte text, attachments, quick replies and the HUMAN_AGENT tag', async () => {
    const base = { igUserId: IG.igUserId, token: IG.token, recipientId: IGSID } as const;
    const text = `${'€'.repeat(333)}a`;
    const results = [
      await client.sendInstagram({ ...base, message: { type: 'text', text } }),
      await client.sendInstagram({
        ...base,
        message: {
          type: 'text',
          text: 'Sim?',
          quickReplies: [{ contentType: 'text', title: 'Sim', payload: 'YES' }],
        },
      }),
      await client.sendInstagram({
        ...base,
        tag: 'HUMAN_AGENT',
        message: { type: 'attachment', attachmentType: 'image', url: 'https://cdn.example.com/a.png' },
      }),
    ];
    for (const r of results) expect(r.recipientId).toBe(IGSID);
    const ledger = sim.ledger.entries({ channel: 'instagram', accountId: IG.igUserId });
    expect(ledger.map((e) => e.messageId)).toEqual(results.map((r) => r.messageId));
    expect(ledger[0]?.body).toStrictEqual({ recipient: { id: IGSID }, message: { text } });
    expect(ledger[2]?.body).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    const action = await client.sendInstagram({ ...base, senderAction: 'mark_seen' });
    expect(action.messageId).toBeNull();
  });
});

describe('send(command)', () => {
  const command = (fields: Record<string, unknown>) => {
    const parsed = parseSendCommand({
      schemaVersion: 1,
      integrationId: 'int-1',
      createdAt: '2026-06-08T12:00:00Z',
      ...fields,
    });
    if (!parsed.success) throw new Error(parsed.error.message);
    return parsed.data;
  };

  it('puts each channel command on the wire, marked with the command id', async () => {
    const wa = await client.send(
      command({ commandId: 'cmd-wa', channel: 'whatsapp', to: USER, message: { type: 'text', text: 'hi' } }),
      {
        token: WA.token,
        accountId: WA.phoneNumberId,
      },
    );
    const fb = await client.send(
      command({ commandId: 'cmd-fb', channel: 'messenger', to: PSID, message: { type: 'text', text: 'hi' } }),
      {
        token: PAGE.token,
      },
    );
    const ig = await client.send(
      command({
        commandId: 'cmd-ig',
        channel: 'instagram',
        to: IGSID,
        message: { type: 'media', mediaType: 'video', link: 'https://cdn.example.com/v.mp4' },
      }),
      { token: IG.token, accountId: IG.igUserId },
    );
    expect(sim.ledger.entries({ marker: 'cmd-wa' }).map((e) => e.messageId)).toEqual([wa.metaMessageId]);
    expect(sim.ledger.entries({ marker: 'cmd-fb' }).map((e) => e.messageId)).toEqual([fb.metaMessageId]);
    expect(sim.ledger.entries({ channel: 'instagram' }).map((e) => e.messageId)).toEqual([ig.metaMessageId]);
    expect(sim.ledger.duplicates()).toEqual([]);
  });
});

describe('appsecret_proof required by the app', () => {
  it('passes with the secret configured and is refused without it', async () => {
    sim.configure({ requireAppSecretProof: true });
    const message = { type: 'text', text: 'signed' } as const;
    await expect(
      client.sendWhatsApp({ phoneNumberId: WA.phoneNumberId, token: WA.token, to: USER, message }),
    ).resolves.toMatchObject({
      messageId: expect.stringMatching(/^wamid\./),
    });
    await expect(
      client.sendInstagram({ igUserId: IG.igUserId, token: IG.token, recipientId: IGSID, message }),
    ).resolves.toMatchObject({
      recipientId: IGSID,
    });
    const unsigned = simClient(sim, { appSecret: undefined });
    const err = await unsigned
      .sendWhatsApp({ phoneNumberId: WA.phoneNumberId, token: WA.token, to: USER, message })
      .catch((e) => e);
    await unsigned.close();
    expect(err).toMatchObject({ code: 100, retryable: false, category: 'bad_request' });
    expect(err.message).toMatch(/appsecret_proof/);
    const wrong = simClient(sim, { appSecret: 'not-the-app-secret' });
    await expect(
      wrong.sendWhatsApp({ phoneNumberId: WA.phoneNumberId, token: WA.token, to: USER, message }),
    ).rejects.toMatchObject({ code: 100 });
    await wrong.close();
    expect(sim.ledger.count()).toBe(2);
  });
});
