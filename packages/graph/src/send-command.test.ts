import { parseSendCommand, type SendCommand } from '@omnistream/events';
import { describe, expect, it } from 'vitest';
import { GraphValidationError } from './errors.ts';
import { type CommandCalls, sendCommand } from './send-command.ts';

/** Records what the command turned into; answers like Graph would. */
function fakeCalls() {
  const calls: [string, unknown][] = [];
  const impl: CommandCalls = {
    sendWhatsApp: async (input) => {
      calls.push(['sendWhatsApp', input]);
      return { messageId: 'wamid.OUT', waId: '16505551234' };
    },
    markWhatsAppRead: async (input) => {
      calls.push(['markWhatsAppRead', input]);
    },
    sendMessenger: async (input) => {
      calls.push(['sendMessenger', input]);
      return input.senderAction
        ? { messageId: null, recipientId: input.recipientId }
        : { messageId: 'm_OUT', recipientId: input.recipientId };
    },
    sendInstagram: async (input) => {
      calls.push(['sendInstagram', input]);
      return { messageId: 'aWdf_OUT', recipientId: input.recipientId };
    },
  };
  return { calls, impl };
}

function command(fields: Record<string, unknown>): SendCommand {
  const parsed = parseSendCommand({
    schemaVersion: 1,
    commandId: 'cmd-1',
    integrationId: 'int-1',
    createdAt: '2026-06-08T12:00:00Z',
    ...fields,
  });
  if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues));
  return parsed.data;
}

const target = { token: 'EAAtoken', accountId: '106540352242922' };

describe('SendCommand → Graph call', () => {
  it('WhatsApp text with a reply, media, template, interactive and reaction', async () => {
    const { calls, impl } = fakeCalls();
    const wa = (message: unknown, extra: Record<string, unknown> = {}) =>
      sendCommand(impl, command({ channel: 'whatsapp', to: '16505551234', message, ...extra }), target);

    expect(await wa({ type: 'text', text: 'hi', previewUrl: true }, { replyTo: 'wamid.IN' })).toStrictEqual({
      metaMessageId: 'wamid.OUT',
      waId: '16505551234',
    });
    await wa({
      type: 'media',
      mediaType: 'document',
      link: 'https://cdn.example.com/i.pdf',
      caption: 'Invoice',
      filename: 'i.pdf',
    });
    await wa({
      type: 'template',
      name: 'order_update',
      language: 'en_US',
      components: [{ type: 'body', parameters: [{ type: 'text', text: 'x' }] }],
    });
    await wa({
      type: 'interactive',
      interactive: { type: 'cta_url', body: 'b', displayText: 'Open', url: 'https://shop.example.com' },
    });
    await wa({ type: 'reaction', messageId: 'wamid.IN', emoji: '👍' });

    expect(calls.map(([, input]) => (input as { message: unknown }).message)).toStrictEqual([
      { type: 'text', text: 'hi', previewUrl: true },
      { type: 'document', link: 'https://cdn.example.com/i.pdf', caption: 'Invoice', filename: 'i.pdf' },
      {
        type: 'template',
        name: 'order_update',
        language: 'en_US',
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'x' }] }],
      },
      {
        type: 'interactive',
        interactive: { type: 'cta_url', body: 'b', displayText: 'Open', url: 'https://shop.example.com' },
      },
      { type: 'reaction', messageId: 'wamid.IN', emoji: '👍' },
    ]);
    expect(calls[0]?.[1]).toMatchObject({
      callbackData: 'cmd-1',
      phoneNumberId: '106540352242922',
      token: 'EAAtoken',
      to: '16505551234',
      replyTo: 'wamid.IN',
    });
  });

  it('WhatsApp mark_read has no message id', async () => {
    const { calls, impl } = fakeCalls();
    const result = await sendCommand(
      impl,
      command({
        channel: 'whatsapp',
        to: '16505551234',
        message: { type: 'mark_read', messageId: 'wamid.IN' },
      }),
      target,
    );
    expect(result).toStrictEqual({ metaMessageId: null });
    expect(calls).toStrictEqual([
      ['markWhatsAppRead', { phoneNumberId: '106540352242922', token: 'EAAtoken', messageId: 'wamid.IN' }],
    ]);
  });

  it('WhatsApp needs the phone_number_id', async () => {
    const { impl } = fakeCalls();
    await expect(
      sendCommand(impl, command({ channel: 'whatsapp', to: '1', message: { type: 'text', text: 'x' } }), {
        token: 't',
      }),
    ).rejects.toBeInstanceOf(GraphValidationError);
  });

  it('Messenger: RESPONSE by default, tags, quick replies, attachments, sender actions; `me` without a page id', async () => {
    const { calls, impl } = fakeCalls();
    await sendCommand(
      impl,
      command({
        channel: 'messenger',
        to: 'PSID1',
        message: { type: 'text', text: 'hi' },
        quickReplies: [{ contentType: 'text', title: 'Yes', payload: 'Y' }],
        replyTo: 'm_IN',
      }),
      { token: 'EAApage' },
    );
    await sendCommand(
      impl,
      command({
        channel: 'messenger',
        to: 'PSID1',
        messagingType: 'MESSAGE_TAG',
        tag: 'HUMAN_AGENT',
        message: { type: 'media', mediaType: 'file', id: '99' },
      }),
      { token: 'EAApage', accountId: '112233445566778' },
    );
    const action = await sendCommand(
      impl,
      command({ channel: 'messenger', to: 'PSID1', message: { type: 'sender_action', action: 'typing_on' } }),
      {
        token: 'EAApage',
      },
    );
    expect(action).toStrictEqual({ metaMessageId: null, recipientId: 'PSID1' });
    expect(calls.map(([, input]) => input)).toStrictEqual([
      {
        pageId: 'me',
        token: 'EAApage',
        recipientId: 'PSID1',
        messagingType: 'RESPONSE',
        metadata: 'cmd-1',
        message: {
          type: 'text',
          text: 'hi',
          quickReplies: [{ contentType: 'text', title: 'Yes', payload: 'Y' }],
        },
        replyTo: 'm_IN',
      },
      {
        pageId: '112233445566778',
        token: 'EAApage',
        recipientId: 'PSID1',
        messagingType: 'MESSAGE_TAG',
        metadata: 'cmd-1',
        tag: 'HUMAN_AGENT',
        message: { type: 'attachment', attachmentType: 'file', attachmentId: '99' },
      },
      { pageId: 'me', token: 'EAApage', recipientId: 'PSID1', senderAction: 'typing_on' },
    ]);
  });

  it('Instagram: attachment by link and the HUMAN_AGENT tag', async () => {
    const { calls, impl } = fakeCalls();
    const result = await sendCommand(
      impl,
      command({
        channel: 'instagram',
        to: 'IGSID1',
        messagingType: 'MESSAGE_TAG',
        tag: 'HUMAN_AGENT',
        message: { type: 'media', mediaType: 'image', link: 'https://cdn.example.com/a.png' },
      }),
      { token: 'IGAAtoken', accountId: '17841405793187218' },
    );
    expect(result).toStrictEqual({ metaMessageId: 'aWdf_OUT', recipientId: 'IGSID1' });
    expect(calls).toStrictEqual([
      [
        'sendInstagram',
        {
          igUserId: '17841405793187218',
          token: 'IGAAtoken',
          recipientId: 'IGSID1',
          tag: 'HUMAN_AGENT',
          message: { type: 'attachment', attachmentType: 'image', url: 'https://cdn.example.com/a.png' },
        },
      ],
    ]);
  });
});
