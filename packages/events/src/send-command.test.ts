import { describe, expect, it } from 'vitest';
import { parseSendCommand, type SendCommand } from './send-command.ts';

function command(overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    schemaVersion: 1,
    commandId: '8d7f3c2e-5b1a-4c9e-9f00-2a6b8e4d1c77',
    integrationId: 'int_wa_1',
    channel: 'whatsapp',
    to: '16315551181',
    message: { type: 'text', text: 'Your order shipped' },
    createdAt: '2024-05-01T10:00:00.000Z',
    ...overrides,
  };
}
const instagram = (message: unknown, extra: Record<string, unknown> = {}) =>
  command({ channel: 'instagram', integrationId: 'int_ig_1', to: '9876543210', message, ...extra });
const messenger = (message: unknown, extra: Record<string, unknown> = {}) =>
  command({ channel: 'messenger', integrationId: 'int_fb_1', to: '24680', message, ...extra });

/** Paths of every issue, or [] when the input parsed. */
function failurePaths(input: unknown): PropertyKey[][] {
  const result = parseSendCommand(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.path);
}

describe('SendCommandSchema accepts', () => {
  const valid: Array<[string, Record<string, unknown>]> = [
    [
      'WhatsApp text with preview',
      command({ message: { type: 'text', text: 'https://x.io', previewUrl: true } }),
    ],
    [
      'WhatsApp document by link, with caption and filename, quoting a message',
      command({
        message: {
          type: 'media',
          mediaType: 'document',
          link: 'https://files.example.com/invoice.pdf',
          caption: 'Invoice',
          filename: 'invoice.pdf',
        },
        replyTo: 'wamid.HBgLMTYz',
      }),
    ],
    [
      'WhatsApp sticker by media id',
      command({ message: { type: 'media', mediaType: 'sticker', id: '1013859600285441' } }),
    ],
    [
      'WhatsApp template with components',
      command({
        message: {
          type: 'template',
          name: 'order_update',
          language: 'en_US',
          components: [{ type: 'body', parameters: [{ type: 'text', text: 'A-1001' }] }],
        },
      }),
    ],
    [
      'WhatsApp reply buttons with an image header',
      command({
        message: {
          type: 'interactive',
          interactive: {
            type: 'buttons',
            header: { type: 'image', link: 'https://cdn.example.com/p.jpg' },
            body: 'Confirm your slot?',
            buttons: [
              { id: 'yes', title: 'Yes' },
              { id: 'no', title: 'No' },
            ],
          },
        },
      }),
    ],
    [
      'WhatsApp list',
      command({
        message: {
          type: 'interactive',
          interactive: {
            type: 'list',
            body: 'Pick a day',
            buttonText: 'Days',
            sections: [
              { title: 'This week', rows: [{ id: 'tue', title: 'Tuesday', description: 'from 10:00' }] },
              { title: 'Next week', rows: [{ id: 'mon', title: 'Monday' }] },
            ],
          },
        },
      }),
    ],
    [
      'WhatsApp CTA URL',
      command({
        message: {
          type: 'interactive',
          interactive: {
            type: 'cta_url',
            body: 'Track it',
            displayText: 'Track',
            url: 'https://t.example.com/1',
          },
        },
      }),
    ],
    ['WhatsApp reaction', command({ message: { type: 'reaction', messageId: 'wamid.1', emoji: '👍' } })],
    [
      'WhatsApp reaction removal',
      command({ message: { type: 'reaction', messageId: 'wamid.1', emoji: '' } }),
    ],
    ['WhatsApp mark read', command({ message: { type: 'mark_read', messageId: 'wamid.1' } })],
    [
      'Instagram image by link',
      instagram({ type: 'media', mediaType: 'image', link: 'https://cdn.example.com/a.png' }),
    ],
    ['Instagram typing indicator', instagram({ type: 'sender_action', action: 'typing_on' })],
    [
      'Instagram human agent reply after 24 h',
      instagram(
        { type: 'text', text: 'Sorry for the wait' },
        { messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' },
      ),
    ],
    [
      'Messenger file attachment',
      messenger({ type: 'media', mediaType: 'file', link: 'https://x.example.com/a.pdf' }),
    ],
    [
      'Messenger text with quick replies',
      messenger(
        { type: 'text', text: 'Pick a colour' },
        {
          messagingType: 'RESPONSE',
          quickReplies: [
            { contentType: 'text', title: 'Red', payload: 'RED' },
            { contentType: 'user_email' },
          ],
        },
      ),
    ],
    ['Messenger mark seen', messenger({ type: 'sender_action', action: 'mark_seen' })],
    ['a 128-character opaque commandId', command({ commandId: 'x'.repeat(128) })],
  ];

  it.each(valid)('%s', (_name, input) => {
    expect(parseSendCommand(input).error?.issues).toBeUndefined();
  });

  it('returns the typed command', () => {
    const result = parseSendCommand(command({}));
    const cmd: SendCommand | undefined = result.data;
    expect(cmd?.message.type === 'text' && cmd.message.text).toBe('Your order shipped');
  });
});

describe('text length per channel', () => {
  it('counts Instagram text in UTF-8 bytes: 1000 bytes pass, 1001 fail', () => {
    const emoji1000Bytes = '😀'.repeat(250); // 250 characters, 1000 bytes
    expect(failurePaths(instagram({ type: 'text', text: emoji1000Bytes }))).toEqual([]);
    expect(failurePaths(instagram({ type: 'text', text: `a${emoji1000Bytes}` }))).toEqual([
      ['message', 'text'],
    ]);
  });

  it('rejects 501 two-byte characters on Instagram although they are far below 1000 characters', () => {
    expect(failurePaths(instagram({ type: 'text', text: 'é'.repeat(501) }))).toEqual([['message', 'text']]);
    expect(failurePaths(instagram({ type: 'text', text: 'a'.repeat(1000) }))).toEqual([]);
  });

  it('allows 4096 characters on WhatsApp, counting an emoji as one', () => {
    expect(failurePaths(command({ message: { type: 'text', text: '😀'.repeat(4096) } }))).toEqual([]);
    expect(failurePaths(command({ message: { type: 'text', text: 'a'.repeat(4097) } }))).toEqual([
      ['message', 'text'],
    ]);
  });

  it('allows 2000 characters on Messenger', () => {
    expect(failurePaths(messenger({ type: 'text', text: 'a'.repeat(2000) }))).toEqual([]);
    expect(failurePaths(messenger({ type: 'text', text: 'a'.repeat(2001) }))).toEqual([['message', 'text']]);
  });

  it('rejects empty text everywhere', () => {
    expect(failurePaths(command({ message: { type: 'text', text: '' } }))).toEqual([['message', 'text']]);
  });
});

describe('media', () => {
  it('needs exactly one of id and link', () => {
    const both = { type: 'media', mediaType: 'image', id: '101', link: 'https://cdn.example.com/a.png' };
    expect(failurePaths(command({ message: both }))).toEqual([['message', 'link']]);
    expect(failurePaths(command({ message: { type: 'media', mediaType: 'image' } }))).toEqual([
      ['message', 'id'],
    ]);
  });

  it('rejects a link that is not http(s)', () => {
    const message = { type: 'media', mediaType: 'image', link: 'file:///etc/passwd' };
    expect(failurePaths(command({ message }))).toEqual([['message', 'link']]);
  });

  it("keeps each channel's media types", () => {
    const link = 'https://cdn.example.com/x';
    expect(failurePaths(command({ message: { type: 'media', mediaType: 'file', link } }))).toEqual([
      ['message', 'mediaType'],
    ]);
    expect(failurePaths(messenger({ type: 'media', mediaType: 'document', link }))).toEqual([
      ['message', 'mediaType'],
    ]);
    expect(failurePaths(instagram({ type: 'media', mediaType: 'sticker', link }))).toEqual([
      ['message', 'mediaType'],
    ]);
  });

  it('rejects captions and filenames where the channel has none', () => {
    const link = 'https://cdn.example.com/x';
    expect(
      failurePaths(command({ message: { type: 'media', mediaType: 'audio', link, caption: 'hi' } })),
    ).toEqual([['message', 'caption']]);
    expect(failurePaths(messenger({ type: 'media', mediaType: 'image', link, caption: 'hi' }))).toEqual([
      ['message', 'caption'],
    ]);
    expect(
      failurePaths(command({ message: { type: 'media', mediaType: 'image', link, filename: 'a.png' } })),
    ).toEqual([['message', 'filename']]);
  });
});

describe('channel support', () => {
  const whatsappOnly = [
    { type: 'template', name: 'hello_world', language: 'en_US' },
    {
      type: 'interactive',
      interactive: { type: 'cta_url', body: 'b', displayText: 'd', url: 'https://x.io' },
    },
    { type: 'reaction', messageId: 'm_1', emoji: '👍' },
    { type: 'mark_read', messageId: 'm_1' },
  ];
  it.each(whatsappOnly)('rejects WhatsApp-only $type on Instagram and Messenger', (message) => {
    expect(failurePaths(instagram(message))).toEqual([['message', 'type']]);
    expect(failurePaths(messenger(message))).toEqual([['message', 'type']]);
  });

  it('rejects sender actions on WhatsApp', () => {
    expect(failurePaths(command({ message: { type: 'sender_action', action: 'typing_on' } }))).toEqual([
      ['message', 'type'],
    ]);
  });

  it('rejects Messenger options on WhatsApp', () => {
    const input = command({
      messagingType: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
      quickReplies: [{ contentType: 'user_email' }],
    });
    expect(failurePaths(input)).toEqual([['messagingType'], ['tag'], ['quickReplies']]);
  });

  it('addresses a WhatsApp customer by BSUID, or a group with recipientType group', () => {
    expect(failurePaths(command({ to: 'US.13491208655302741918' }))).toEqual([]);
    expect(failurePaths(command({ to: 'Y2FwaV9ncm91cDox', recipientType: 'group' }))).toEqual([]);
  });

  it('rejects recipientType outside WhatsApp', () => {
    expect(failurePaths(messenger({ type: 'text', text: 'x' }, { recipientType: 'group' }))).toEqual([
      ['recipientType'],
    ]);
  });

  it('rejects previewUrl outside WhatsApp', () => {
    expect(failurePaths(messenger({ type: 'text', text: 'x', previewUrl: true }))).toEqual([
      ['message', 'previewUrl'],
    ]);
  });
});

describe('Messenger / Instagram messaging type and tag', () => {
  it('requires a tag with MESSAGE_TAG', () => {
    expect(failurePaths(messenger({ type: 'text', text: 'x' }, { messagingType: 'MESSAGE_TAG' }))).toEqual([
      ['tag'],
    ]);
  });

  it('rejects a tag without MESSAGE_TAG', () => {
    const input = messenger(
      { type: 'text', text: 'x' },
      { messagingType: 'RESPONSE', tag: 'ACCOUNT_UPDATE' },
    );
    expect(failurePaths(input)).toEqual([['messagingType']]);
  });

  it('accepts only HUMAN_AGENT on Instagram', () => {
    const input = instagram(
      { type: 'text', text: 'x' },
      { messagingType: 'MESSAGE_TAG', tag: 'ACCOUNT_UPDATE' },
    );
    expect(failurePaths(input)).toEqual([['tag']]);
  });

  it('rejects quick replies on a sender action, and more than 13 of them', () => {
    const qr = { contentType: 'text', title: 'Yes', payload: 'YES' };
    expect(
      failurePaths(messenger({ type: 'sender_action', action: 'typing_on' }, { quickReplies: [qr] })),
    ).toEqual([['quickReplies']]);
    expect(
      failurePaths(
        messenger({ type: 'text', text: 'x' }, { quickReplies: Array.from({ length: 14 }, () => qr) }),
      ),
    ).toEqual([['quickReplies']]);
  });
});

describe('SendCommandSchema rejects', () => {
  it('a missing schemaVersion', () => {
    const { schemaVersion: _omit, ...rest } = command({});
    expect(failurePaths(rest)).toEqual([['schemaVersion']]);
  });

  it('a misspelt field instead of dropping it', () => {
    const result = parseSendCommand(command({ message: { type: 'text', text: 'x', previewURL: true } }));
    expect(result.error?.issues[0]).toMatchObject({
      code: 'unrecognized_keys',
      keys: ['previewURL'],
      path: ['message'],
    });
  });

  it('a commandId over 128 characters or with spaces', () => {
    expect(failurePaths(command({ commandId: 'x'.repeat(129) }))).toEqual([['commandId']]);
    expect(failurePaths(command({ commandId: 'order 42' }))).toEqual([['commandId']]);
  });

  it('an invalid template name', () => {
    const message = { type: 'template', name: 'Order Update', language: 'en_US' };
    expect(failurePaths(command({ message }))).toEqual([['message', 'name']]);
  });

  it('replyTo on a message that cannot quote', () => {
    expect(
      failurePaths(command({ message: { type: 'mark_read', messageId: 'wamid.1' }, replyTo: 'wamid.0' })),
    ).toEqual([['replyTo']]);
  });
});
