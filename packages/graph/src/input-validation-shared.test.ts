import {
  CHANNELS_BY_MESSAGE_TYPE,
  MEDIA_TYPES_BY_CHANNEL,
  MESSAGING_CHANNELS,
  type MessagingChannel,
  OUTBOUND_MEDIA_TYPES,
  type OutboundMessage,
  type OutboundMessageType,
  parseSendCommand,
  type SendCommand,
  WHATSAPP_MEDIA_OPTIONS,
} from '@omnistream/events';
import { describe, expect, it } from 'vitest';
import { validate } from './input-primitives.ts';
import { SendInstagramInputSchema, SendMessengerInputSchema } from './messaging-message.ts';
import { type CommandCalls, sendCommand } from './send-command.ts';
import { MarkWhatsAppReadInputSchema, SendWhatsAppInputSchema } from './whatsapp-message.ts';

/**
 * The Graph call inputs are built from the events package's outbound message family
 * (packages/events/src/outbound-message.ts): what a send command may carry, the calls accept, with the
 * same refusals.
 */

const wa = { phoneNumberId: '106540352242922', token: 'EAAtoken', to: '16505551234' };
const ig = { igUserId: '17841405793187218', token: 'IGAAtoken', recipientId: '1129842642640637' };
const fb = {
  pageId: '112233445566778',
  token: 'EAApage',
  recipientId: '6789012345678901',
  messagingType: 'RESPONSE',
};

function commandIssues(channel: MessagingChannel, message: unknown): string[] {
  const parsed = parseSendCommand({
    schemaVersion: 1,
    commandId: 'cmd-1',
    integrationId: 'int-1',
    channel,
    to: 'R1',
    createdAt: '2026-06-08T12:00:00Z',
    message,
  });
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

/** The issues of the Graph input for `channel`, in the same `path: message` form. */
function inputIssues(channel: MessagingChannel, message: unknown): string[] {
  const [schema, base] =
    channel === 'whatsapp'
      ? [SendWhatsAppInputSchema, wa]
      : channel === 'instagram'
        ? [SendInstagramInputSchema, ig]
        : [SendMessengerInputSchema, fb];
  const parsed = schema.safeParse({ ...base, message });
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('Graph inputs follow the outbound message rules of the events package', () => {
  const limits: [MessagingChannel, string, string][] = [
    ['whatsapp', '😀'.repeat(4096), `${'a'.repeat(4096)}b`],
    ['messenger', '😀'.repeat(2000), `${'a'.repeat(2000)}b`],
    ['instagram', `${'€'.repeat(333)}a`, `${'😀'.repeat(250)}a`],
  ];
  it.each(limits)(
    '%s text: the command and the call take and refuse the same lengths',
    (channel, fits, over) => {
      expect(commandIssues(channel, { type: 'text', text: fits })).toEqual([]);
      expect(inputIssues(channel, { type: 'text', text: fits })).toEqual([]);
      const refused = commandIssues(channel, { type: 'text', text: over });
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatch(/^message\.text: \w+ text is limited to \d+ /);
      expect(inputIssues(channel, { type: 'text', text: over })).toEqual(refused);
    },
  );

  it('WhatsApp media take a caption and a filename exactly where WHATSAPP_MEDIA_OPTIONS says', () => {
    for (const [mediaType, options] of Object.entries(WHATSAPP_MEDIA_OPTIONS)) {
      for (const option of ['caption', 'filename'] as const) {
        const takes = (options as readonly string[]).includes(option);
        const extra = { [option]: 'x.pdf' };
        const command = commandIssues('whatsapp', { type: 'media', mediaType, id: '1', ...extra });
        const input = inputIssues('whatsapp', { type: mediaType, id: '1', ...extra });
        expect([mediaType, option, command.length === 0]).toEqual([mediaType, option, takes]);
        expect([mediaType, option, input.length === 0]).toEqual([mediaType, option, takes]);
      }
    }
  });

  it('each channel call takes exactly the media types the command allows on that channel', () => {
    for (const channel of MESSAGING_CHANNELS) {
      for (const mediaType of OUTBOUND_MEDIA_TYPES) {
        const allowed = MEDIA_TYPES_BY_CHANNEL[channel].includes(mediaType);
        const message =
          channel === 'whatsapp'
            ? { type: mediaType, id: '1' }
            : { type: 'attachment', attachmentType: mediaType, attachmentId: '1' };
        const command = commandIssues(channel, { type: 'media', mediaType, id: '1' });
        expect([channel, mediaType, command.length === 0]).toEqual([channel, mediaType, allowed]);
        expect([channel, mediaType, inputIssues(channel, message).length === 0]).toEqual([
          channel,
          mediaType,
          allowed,
        ]);
      }
    }
  });

  it('refuses a WhatsApp-only option on Messenger text instead of dropping it', () => {
    expect(inputIssues('messenger', { type: 'text', text: 'x', previewUrl: true })).toEqual([
      'message: Unrecognized key: "previewUrl"',
    ]);
  });
});

/** One command message per type: the compiler asks for a sample when a type is added. */
const SAMPLES: Record<OutboundMessageType, OutboundMessage> = {
  text: { type: 'text', text: 'hi' },
  media: { type: 'media', mediaType: 'image', link: 'https://cdn.example.com/a.png' },
  template: { type: 'template', name: 'order_update', language: 'en_US' },
  interactive: {
    type: 'interactive',
    interactive: { type: 'buttons', body: 'b', buttons: [{ id: 'y', title: 'Yes' }] },
  },
  reaction: { type: 'reaction', messageId: 'wamid.IN', emoji: '👍' },
  mark_read: { type: 'mark_read', messageId: 'wamid.IN' },
  sender_action: { type: 'sender_action', action: 'typing_on' },
};

/** Calls that check their input with the real Graph input schemas, as the client does. */
const checkingCalls: CommandCalls = {
  sendWhatsApp: async (input) => {
    validate(SendWhatsAppInputSchema, input, 'whatsapp');
    return { messageId: 'wamid.OUT' };
  },
  markWhatsAppRead: async (input) => {
    validate(MarkWhatsAppReadInputSchema, input, 'mark read');
  },
  sendMessenger: async (input) => {
    validate(SendMessengerInputSchema, input, 'messenger');
    return { messageId: 'm_OUT', recipientId: input.recipientId };
  },
  sendInstagram: async (input) => {
    validate(SendInstagramInputSchema, input, 'instagram');
    return { messageId: 'aWdf_OUT', recipientId: input.recipientId };
  },
};

describe('every message type a channel allows reaches a valid Graph call', () => {
  const cases = Object.entries(CHANNELS_BY_MESSAGE_TYPE).flatMap(([type, channels]) =>
    channels.map((channel) => [channel, type as OutboundMessageType] as const),
  );
  it.each(cases)('%s %s', async (channel, type) => {
    const parsed = parseSendCommand({
      schemaVersion: 1,
      commandId: 'cmd-1',
      integrationId: 'int-1',
      channel,
      to: 'R1',
      createdAt: '2026-06-08T12:00:00Z',
      message: SAMPLES[type],
    });
    expect(parsed.error?.issues).toBeUndefined();
    const command = parsed.data as SendCommand;
    await expect(
      sendCommand(checkingCalls, command, { token: 'EAAtoken', accountId: '106540352242922' }),
    ).resolves.toHaveProperty('metaMessageId');
  });
});
