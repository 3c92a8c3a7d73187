import { describe, expect, it } from 'vitest';
import { validate } from './input-primitives.ts';
import { messagingRequestBody } from './messaging-body.ts';
import { SendInstagramInputSchema, SendMessengerInputSchema } from './messaging-message.ts';

function messenger(input: Record<string, unknown>) {
  const {
    pageId: _p,
    token: _t,
    ...request
  } = validate(
    SendMessengerInputSchema,
    { pageId: '112233445566778', token: 'EAApage', recipientId: '6789012345678901', ...input },
    'test',
  );
  return messagingRequestBody(request);
}

function instagram(input: Record<string, unknown>) {
  const {
    igUserId: _i,
    token: _t,
    ...request
  } = validate(
    SendInstagramInputSchema,
    { igUserId: '17841405793187218', token: 'IGAAtoken', recipientId: '1129842642640637', ...input },
    'test',
  );
  return messagingRequestBody({
    ...request,
    messagingType: request.tag === undefined ? undefined : 'MESSAGE_TAG',
  });
}

describe('Messenger request bodies (Send API reference)', () => {
  it('text with every kind of quick reply', () => {
    expect(
      messenger({
        messagingType: 'RESPONSE',
        message: {
          type: 'text',
          text: 'Pick a colour',
          quickReplies: [
            {
              contentType: 'text',
              title: 'Red',
              payload: 'COLOR_RED',
              imageUrl: 'https://cdn.example.com/red.png',
            },
            { contentType: 'text', title: 'Green', payload: 'COLOR_GREEN' },
            { contentType: 'user_phone_number' },
            { contentType: 'user_email' },
          ],
        },
      }),
    ).toStrictEqual({
      recipient: { id: '6789012345678901' },
      messaging_type: 'RESPONSE',
      message: {
        text: 'Pick a colour',
        quick_replies: [
          {
            content_type: 'text',
            title: 'Red',
            payload: 'COLOR_RED',
            image_url: 'https://cdn.example.com/red.png',
          },
          { content_type: 'text', title: 'Green', payload: 'COLOR_GREEN' },
          { content_type: 'user_phone_number' },
          { content_type: 'user_email' },
        ],
      },
    });
  });

  it('attachments by url (reusable) and by attachment_id, for each type', () => {
    for (const attachmentType of ['image', 'audio', 'video', 'file'] as const) {
      expect(
        messenger({
          messagingType: 'UPDATE',
          message: { type: 'attachment', attachmentType, url: 'https://cdn.example.com/x', isReusable: true },
        }),
      ).toStrictEqual({
        recipient: { id: '6789012345678901' },
        messaging_type: 'UPDATE',
        message: {
          attachment: {
            type: attachmentType,
            payload: { url: 'https://cdn.example.com/x', is_reusable: true },
          },
        },
      });
    }
    expect(
      messenger({
        messagingType: 'RESPONSE',
        message: { type: 'attachment', attachmentType: 'image', attachmentId: '1857777774821032' },
      }),
    ).toStrictEqual({
      recipient: { id: '6789012345678901' },
      messaging_type: 'RESPONSE',
      message: { attachment: { type: 'image', payload: { attachment_id: '1857777774821032' } } },
    });
  });

  it('message tag and reply_to at the top level', () => {
    expect(
      messenger({
        messagingType: 'MESSAGE_TAG',
        tag: 'HUMAN_AGENT',
        message: { type: 'text', text: 'Back to you' },
        replyTo: 'm_ORIGINAL',
      }),
    ).toStrictEqual({
      recipient: { id: '6789012345678901' },
      messaging_type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
      message: { text: 'Back to you' },
      reply_to: { mid: 'm_ORIGINAL' },
    });
  });

  it('metadata (echoed in message_echoes) inside the message', () => {
    expect(
      messenger({ messagingType: 'RESPONSE', metadata: 'cmd-42', message: { type: 'text', text: 'x' } }),
    ).toStrictEqual({
      recipient: { id: '6789012345678901' },
      messaging_type: 'RESPONSE',
      message: { text: 'x', metadata: 'cmd-42' },
    });
  });

  it('sender actions carry neither messaging_type nor message', () => {
    for (const senderAction of ['typing_on', 'typing_off', 'mark_seen']) {
      expect(messenger({ senderAction })).toStrictEqual({
        recipient: { id: '6789012345678901' },
        sender_action: senderAction,
      });
    }
  });
});

describe('Instagram request bodies (Instagram API with Instagram Login)', () => {
  it('text with text quick replies, no messaging_type', () => {
    expect(
      instagram({
        message: {
          type: 'text',
          text: 'Oi!',
          quickReplies: [{ contentType: 'text', title: 'Sim', payload: 'YES' }],
        },
      }),
    ).toStrictEqual({
      recipient: { id: '1129842642640637' },
      message: { text: 'Oi!', quick_replies: [{ content_type: 'text', title: 'Sim', payload: 'YES' }] },
    });
  });

  it('attachment and HUMAN_AGENT tag', () => {
    expect(
      instagram({
        tag: 'HUMAN_AGENT',
        message: { type: 'attachment', attachmentType: 'video', url: 'https://cdn.example.com/v.mp4' },
        replyTo: 'aWdfZAG1faXRlbT',
      }),
    ).toStrictEqual({
      recipient: { id: '1129842642640637' },
      messaging_type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
      message: { attachment: { type: 'video', payload: { url: 'https://cdn.example.com/v.mp4' } } },
      reply_to: { mid: 'aWdfZAG1faXRlbT' },
    });
  });

  it('sender action', () => {
    expect(instagram({ senderAction: 'typing_on' })).toStrictEqual({
      recipient: { id: '1129842642640637' },
      sender_action: 'typing_on',
    });
  });
});
