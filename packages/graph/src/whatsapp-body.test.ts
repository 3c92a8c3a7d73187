import { describe, expect, it } from 'vitest';
import { validate } from './input-primitives.ts';
import { whatsAppMessageBody, whatsAppReadBody } from './whatsapp-body.ts';
import { SendWhatsAppInputSchema, type WhatsAppMessage } from './whatsapp-message.ts';

/** Body of a validated input, as sendWhatsApp builds it. */
function body(message: unknown, replyTo?: string) {
  const input = validate(
    SendWhatsAppInputSchema,
    {
      phoneNumberId: '106540352242922',
      token: 'EAAtoken',
      to: '16505551234',
      message,
      ...(replyTo ? { replyTo } : {}),
    },
    'test',
  );
  return whatsAppMessageBody(input.to, input.message as WhatsAppMessage, input.replyTo);
}

const envelope = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '16505551234' };

describe('WhatsApp message bodies (Cloud API Messages reference)', () => {
  it('text, with and without a link preview', () => {
    expect(body({ type: 'text', text: 'Olá 👋' })).toStrictEqual({
      ...envelope,
      type: 'text',
      text: { body: 'Olá 👋' },
    });
    expect(body({ type: 'text', text: 'see https://example.com', previewUrl: true })).toStrictEqual({
      ...envelope,
      type: 'text',
      text: { body: 'see https://example.com', preview_url: true },
    });
  });

  it('image by id and by link with a caption', () => {
    expect(body({ type: 'image', id: '1003383421387256' })).toStrictEqual({
      ...envelope,
      type: 'image',
      image: { id: '1003383421387256' },
    });
    expect(
      body({ type: 'image', link: 'https://cdn.example.com/a.jpg', caption: 'Your order' }),
    ).toStrictEqual({
      ...envelope,
      type: 'image',
      image: { link: 'https://cdn.example.com/a.jpg', caption: 'Your order' },
    });
  });

  it('video, audio, sticker and document with a filename', () => {
    expect(body({ type: 'video', link: 'https://cdn.example.com/v.mp4', caption: 'clip' })).toStrictEqual({
      ...envelope,
      type: 'video',
      video: { link: 'https://cdn.example.com/v.mp4', caption: 'clip' },
    });
    expect(body({ type: 'audio', id: '55' })).toStrictEqual({
      ...envelope,
      type: 'audio',
      audio: { id: '55' },
    });
    expect(body({ type: 'sticker', link: 'https://cdn.example.com/s.webp' })).toStrictEqual({
      ...envelope,
      type: 'sticker',
      sticker: { link: 'https://cdn.example.com/s.webp' },
    });
    expect(
      body({ type: 'document', id: '77', caption: 'Invoice', filename: 'invoice-42.pdf' }),
    ).toStrictEqual({
      ...envelope,
      type: 'document',
      document: { id: '77', caption: 'Invoice', filename: 'invoice-42.pdf' },
    });
  });

  it('location', () => {
    expect(
      body({
        type: 'location',
        latitude: -23.5505,
        longitude: -46.6333,
        name: 'Loja',
        address: 'Av. Paulista, 1000',
      }),
    ).toStrictEqual({
      ...envelope,
      type: 'location',
      location: { latitude: -23.5505, longitude: -46.6333, name: 'Loja', address: 'Av. Paulista, 1000' },
    });
  });

  it('contacts, renamed to snake_case and as an array', () => {
    expect(
      body({
        type: 'contacts',
        contacts: [
          {
            name: { formattedName: 'Sheena Nelson', firstName: 'Sheena', lastName: 'Nelson' },
            phones: [{ phone: '+1 650-555-1234', type: 'WORK', waId: '16505551234' }],
            emails: [{ email: 'sheena@example.com', type: 'WORK' }],
            urls: [{ url: 'https://example.com' }],
            addresses: [{ city: 'Menlo Park', countryCode: 'US', type: 'WORK' }],
            org: { company: 'Lucky Shrub', title: 'Owner' },
            birthday: '1990-01-31',
          },
        ],
      }),
    ).toStrictEqual({
      ...envelope,
      type: 'contacts',
      contacts: [
        {
          name: { formatted_name: 'Sheena Nelson', first_name: 'Sheena', last_name: 'Nelson' },
          phones: [{ phone: '+1 650-555-1234', type: 'WORK', wa_id: '16505551234' }],
          emails: [{ email: 'sheena@example.com', type: 'WORK' }],
          urls: [{ url: 'https://example.com' }],
          addresses: [{ city: 'Menlo Park', country_code: 'US', type: 'WORK' }],
          org: { company: 'Lucky Shrub', title: 'Owner' },
          birthday: '1990-01-31',
        },
      ],
    });
  });

  it('interactive reply buttons with an image header', () => {
    expect(
      body({
        type: 'interactive',
        interactive: {
          type: 'buttons',
          header: { type: 'image', link: 'https://cdn.example.com/h.png' },
          body: 'Confirm?',
          footer: 'Lucky Shrub',
          buttons: [
            { id: 'yes', title: 'Yes' },
            { id: 'no', title: 'No' },
          ],
        },
      }),
    ).toStrictEqual({
      ...envelope,
      type: 'interactive',
      interactive: {
        type: 'button',
        header: { type: 'image', image: { link: 'https://cdn.example.com/h.png' } },
        body: { text: 'Confirm?' },
        footer: { text: 'Lucky Shrub' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'yes', title: 'Yes' } },
            { type: 'reply', reply: { id: 'no', title: 'No' } },
          ],
        },
      },
    });
  });

  it('interactive list', () => {
    expect(
      body({
        type: 'interactive',
        interactive: {
          type: 'list',
          header: { type: 'text', text: 'Menu' },
          body: 'Pick one',
          buttonText: 'Options',
          sections: [
            { title: 'Plants', rows: [{ id: 'p1', title: 'Fern', description: 'Shade' }] },
            { title: 'Pots', rows: [{ id: 'p2', title: 'Clay' }] },
          ],
        },
      }),
    ).toStrictEqual({
      ...envelope,
      type: 'interactive',
      interactive: {
        type: 'list',
        header: { type: 'text', text: 'Menu' },
        body: { text: 'Pick one' },
        action: {
          button: 'Options',
          sections: [
            { title: 'Plants', rows: [{ id: 'p1', title: 'Fern', description: 'Shade' }] },
            { title: 'Pots', rows: [{ id: 'p2', title: 'Clay' }] },
          ],
        },
      },
    });
  });

  it('interactive CTA URL', () => {
    expect(
      body({
        type: 'interactive',
        interactive: {
          type: 'cta_url',
          body: 'Track it',
          displayText: 'Open',
          url: 'https://shop.example.com/o/1',
        },
      }),
    ).toStrictEqual({
      ...envelope,
      type: 'interactive',
      interactive: {
        type: 'cta_url',
        body: { text: 'Track it' },
        action: {
          name: 'cta_url',
          parameters: { display_text: 'Open', url: 'https://shop.example.com/o/1' },
        },
      },
    });
  });

  it('template with components passed verbatim and a deterministic language', () => {
    const components = [
      { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/h.png' } }] },
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'Sheena' },
          { type: 'text', text: '#1234' },
        ],
      },
      {
        type: 'button',
        sub_type: 'quick_reply',
        index: '0',
        parameters: [{ type: 'payload', payload: 'STOP' }],
      },
    ];
    expect(body({ type: 'template', name: 'order_update', language: 'en_US', components })).toStrictEqual({
      ...envelope,
      type: 'template',
      template: { name: 'order_update', language: { policy: 'deterministic', code: 'en_US' }, components },
    });
    expect(body({ type: 'template', name: 'hello_world', language: 'en' })).toStrictEqual({
      ...envelope,
      type: 'template',
      template: { name: 'hello_world', language: { policy: 'deterministic', code: 'en' } },
    });
  });

  it('reaction, including the empty emoji that removes one', () => {
    expect(body({ type: 'reaction', messageId: 'wamid.HBgL==', emoji: '👍' })).toStrictEqual({
      ...envelope,
      type: 'reaction',
      reaction: { message_id: 'wamid.HBgL==', emoji: '👍' },
    });
    expect(body({ type: 'reaction', messageId: 'wamid.HBgL==', emoji: '' })).toMatchObject({
      reaction: { message_id: 'wamid.HBgL==', emoji: '' },
    });
  });

  it('reply context on a content message', () => {
    expect(body({ type: 'text', text: 'yes' }, 'wamid.ORIGINAL==')).toStrictEqual({
      ...envelope,
      type: 'text',
      text: { body: 'yes' },
      context: { message_id: 'wamid.ORIGINAL==' },
    });
  });

  it('callback data echoed in status webhooks', () => {
    const input = validate(
      SendWhatsAppInputSchema,
      {
        phoneNumberId: '1',
        token: 'EAAtoken',
        to: '16505551234',
        message: { type: 'text', text: 'x' },
        callbackData: 'cmd-42',
      },
      'test',
    );
    expect(
      whatsAppMessageBody(input.to, input.message as WhatsAppMessage, undefined, input.callbackData),
    ).toStrictEqual({
      ...envelope,
      type: 'text',
      text: { body: 'x' },
      biz_opaque_callback_data: 'cmd-42',
    });
  });

  it('a group send says recipient_type group; a BSUID goes in `recipient`', () => {
    const message = { type: 'text', text: 'x' } as WhatsAppMessage;
    expect(whatsAppMessageBody('Y2FwaV9ncm91cDox', message, undefined, undefined, 'group')).toStrictEqual({
      ...envelope,
      recipient_type: 'group',
      to: 'Y2FwaV9ncm91cDox',
      type: 'text',
      text: { body: 'x' },
    });
    // A BSUID goes in `recipient`, never in `to` (Meta's BSUID page, "Send message requests").
    const byBsuid = whatsAppMessageBody('US.13491208655302741918', message);
    expect(byBsuid).toMatchObject({ recipient_type: 'individual', recipient: 'US.13491208655302741918' });
    expect(byBsuid).not.toHaveProperty('to');
  });

  it('mark read', () => {
    expect(whatsAppReadBody('wamid.IN==')).toStrictEqual({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: 'wamid.IN==',
    });
  });
});
