import { describe, expect, it } from 'vitest';
import { GraphValidationError } from './errors.ts';
import { validate } from './input-primitives.ts';
import { SendInstagramInputSchema, SendMessengerInputSchema } from './messaging-message.ts';
import { SendWhatsAppInputSchema } from './whatsapp-message.ts';

const wa = { phoneNumberId: '106540352242922', token: 'EAAtoken', to: '16505551234' };
const ig = { igUserId: '17841405793187218', token: 'IGAAtoken', recipientId: '1129842642640637' };
const fb = { pageId: '112233445566778', token: 'EAApage', recipientId: '6789012345678901' };

function refusal(schema: Parameters<typeof validate>[0], input: unknown): GraphValidationError {
  try {
    validate(schema, input, 'test input');
  } catch (err) {
    expect(err).toBeInstanceOf(GraphValidationError);
    const e = err as GraphValidationError;
    expect(e.retryable).toBe(false);
    expect(e.errorCode).toBe('GRAPH_VALIDATION');
    return e;
  }
  throw new Error('input was accepted');
}

const paths = (e: GraphValidationError) => e.issues.map((i) => i.path);

describe('Instagram text limit is 1000 bytes of UTF-8, not characters', () => {
  it('accepts exactly 1000 bytes of multibyte text', () => {
    const text = `${'€'.repeat(333)}a`; // 333 × 3 bytes + 1 = 1000 bytes, 334 characters
    expect(Buffer.byteLength(text)).toBe(1000);
    expect(() =>
      validate(SendInstagramInputSchema, { ...ig, message: { type: 'text', text } }, 't'),
    ).not.toThrow();
  });

  it('refuses 1001 bytes even though it is far fewer than 1000 characters', () => {
    const text = `${'😀'.repeat(250)}a`; // 250 × 4 bytes + 1 = 1001 bytes, 251 code points
    expect(Buffer.byteLength(text)).toBe(1001);
    const e = refusal(SendInstagramInputSchema, { ...ig, message: { type: 'text', text } });
    expect(e.issues).toEqual([
      { path: 'message.text', message: 'Instagram text is limited to 1000 bytes of UTF-8' },
    ]);
  });

  it('refuses non-text quick replies and tags other than HUMAN_AGENT', () => {
    const qr = refusal(SendInstagramInputSchema, {
      ...ig,
      message: { type: 'text', text: 'x', quickReplies: [{ contentType: 'user_email' }] },
    });
    expect(paths(qr)).toContain('message.quickReplies');
    expect(
      paths(
        refusal(SendInstagramInputSchema, {
          ...ig,
          tag: 'ACCOUNT_UPDATE',
          message: { type: 'text', text: 'x' },
        }),
      ),
    ).toContain('tag');
  });
});

describe('WhatsApp inputs', () => {
  it('refuses media with both id and link, and media with neither', () => {
    expect(
      paths(
        refusal(SendWhatsAppInputSchema, {
          ...wa,
          message: { type: 'image', id: '1', link: 'https://cdn.example.com/a.png' },
        }),
      ),
    ).toEqual(['message.link']);
    expect(
      paths(refusal(SendWhatsAppInputSchema, { ...wa, message: { type: 'document', filename: 'a.pdf' } })),
    ).toEqual(['message.id']);
  });

  it('refuses a caption on audio and stickers and a filename on images', () => {
    refusal(SendWhatsAppInputSchema, { ...wa, message: { type: 'audio', id: '1', caption: 'x' } });
    refusal(SendWhatsAppInputSchema, { ...wa, message: { type: 'sticker', id: '1', caption: 'x' } });
    refusal(SendWhatsAppInputSchema, { ...wa, message: { type: 'image', id: '1', filename: 'a.png' } });
  });

  it('refuses text over 4096 characters but counts an emoji as one', () => {
    expect(() =>
      validate(SendWhatsAppInputSchema, { ...wa, message: { type: 'text', text: '😀'.repeat(4096) } }, 't'),
    ).not.toThrow();
    refusal(SendWhatsAppInputSchema, { ...wa, message: { type: 'text', text: 'a'.repeat(4097) } });
  });

  it('refuses a misspelt option instead of dropping it', () => {
    expect(
      paths(
        refusal(SendWhatsAppInputSchema, { ...wa, message: { type: 'text', text: 'x', previewURL: true } }),
      ),
    ).toEqual(['message']);
  });

  it('refuses bad templates, coordinates, reaction replies and interactive limits', () => {
    refusal(SendWhatsAppInputSchema, {
      ...wa,
      message: { type: 'template', name: 'Order Update', language: 'en_US' },
    });
    refusal(SendWhatsAppInputSchema, { ...wa, message: { type: 'location', latitude: 91, longitude: 0 } });
    refusal(SendWhatsAppInputSchema, {
      ...wa,
      replyTo: 'wamid.X',
      message: { type: 'reaction', messageId: 'wamid.Y', emoji: '👍' },
    });
    refusal(SendWhatsAppInputSchema, {
      ...wa,
      message: {
        type: 'interactive',
        interactive: {
          type: 'buttons',
          body: 'b',
          buttons: [1, 2, 3, 4].map((n) => ({ id: `b${n}`, title: `B${n}` })),
        },
      },
    });
  });

  it('refuses ids that would change the URL path and tokens that could inject headers', () => {
    expect(
      paths(
        refusal(SendWhatsAppInputSchema, {
          ...wa,
          phoneNumberId: '../me',
          message: { type: 'text', text: 'x' },
        }),
      ),
    ).toEqual(['phoneNumberId']);
    expect(
      paths(
        refusal(SendWhatsAppInputSchema, {
          ...wa,
          token: 'EAA x\r\nX-Evil: 1',
          message: { type: 'text', text: 'x' },
        }),
      ),
    ).toEqual(['token']);
  });

  it('names problems without echoing the values (a token in a refused field stays out of the message)', () => {
    const e = refusal(SendWhatsAppInputSchema, {
      ...wa,
      token: 'EAAsecret with space',
      message: { type: 'text', text: 'x' },
    });
    expect(e.message).not.toContain('EAAsecret');
  });
});

describe('Messenger inputs', () => {
  it('needs a messaging type for messages, a tag with MESSAGE_TAG and no tag otherwise', () => {
    expect(paths(refusal(SendMessengerInputSchema, { ...fb, message: { type: 'text', text: 'x' } }))).toEqual(
      ['messagingType'],
    );
    expect(
      paths(
        refusal(SendMessengerInputSchema, {
          ...fb,
          messagingType: 'MESSAGE_TAG',
          message: { type: 'text', text: 'x' },
        }),
      ),
    ).toEqual(['tag']);
    expect(
      paths(
        refusal(SendMessengerInputSchema, {
          ...fb,
          messagingType: 'RESPONSE',
          tag: 'HUMAN_AGENT',
          message: { type: 'text', text: 'x' },
        }),
      ),
    ).toEqual(['tag']);
  });

  it('takes a message or a sender action, never both or neither', () => {
    refusal(SendMessengerInputSchema, {
      ...fb,
      messagingType: 'RESPONSE',
      senderAction: 'typing_on',
      message: { type: 'text', text: 'x' },
    });
    refusal(SendMessengerInputSchema, { ...fb });
  });

  it('refuses attachments with both url and attachmentId, and text over 2000 characters', () => {
    refusal(SendMessengerInputSchema, {
      ...fb,
      messagingType: 'RESPONSE',
      message: {
        type: 'attachment',
        attachmentType: 'image',
        url: 'https://cdn.example.com/a',
        attachmentId: '1',
      },
    });
    refusal(SendMessengerInputSchema, {
      ...fb,
      messagingType: 'RESPONSE',
      message: { type: 'text', text: 'a'.repeat(2001) },
    });
  });

  it('refuses more than 13 quick replies', () => {
    const quickReplies = Array.from({ length: 14 }, (_, i) => ({
      contentType: 'text',
      title: `o${i}`,
      payload: `P${i}`,
    }));
    refusal(SendMessengerInputSchema, {
      ...fb,
      messagingType: 'RESPONSE',
      message: { type: 'text', text: 'x', quickReplies },
    });
  });
});
