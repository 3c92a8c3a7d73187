import {
  MEDIA_TYPES_BY_CHANNEL,
  MESSAGING_ATTACHMENT_TYPES,
  type OutboundMessage,
  type SendCommand,
} from '@omnistream/events';
import { GraphValidationError } from './errors.ts';
import type { MessagingSendResult, SenderActionResult, WhatsAppSendResult } from './messages.ts';
import type { MessagingMessage, SendInstagramInput, SendMessengerInput } from './messaging-message.ts';
import type { MarkWhatsAppReadInput, SendWhatsAppInput, WhatsAppMessage } from './whatsapp-message.ts';

/**
 * The events package's SendCommand (what downstream systems put on `omnistream.outbound.v1`) mapped
 * onto one Graph call per channel. The message-sender resolves the integration's token and account id
 * and calls this; validation happens again in the calls themselves. Which channel takes which type is
 * the events package's to say (packages/events/src/outbound-message.ts); a type this mapping does not
 * know is refused with the command schema's wording.
 */

export interface SendTarget {
  token: string;
  /** phone_number_id (WhatsApp, required), page id (Messenger) or IG user id (Instagram); `me` when absent. */
  accountId?: string;
}

export interface CommandSendResult {
  /** wamid or mid; null for calls that create no message (mark_read, sender actions). */
  metaMessageId: string | null;
  /** WhatsApp: the normalized number Meta resolved the recipient to. */
  waId?: string;
  /** Messenger / Instagram: the recipient Meta confirmed. */
  recipientId?: string;
}

export interface CommandCalls {
  sendWhatsApp(input: SendWhatsAppInput): Promise<WhatsAppSendResult>;
  markWhatsAppRead(input: MarkWhatsAppReadInput): Promise<void>;
  sendMessenger(input: SendMessengerInput): Promise<MessagingSendResult | SenderActionResult>;
  sendInstagram(input: SendInstagramInput): Promise<MessagingSendResult | SenderActionResult>;
}

function refuse(channel: string, type: string): GraphValidationError {
  return new GraphValidationError('send command', [
    { path: 'message.type', message: `${channel} does not support ${type} messages` },
  ]);
}

function toWhatsAppMessage(message: OutboundMessage): WhatsAppMessage {
  switch (message.type) {
    case 'text':
      return {
        type: 'text',
        text: message.text,
        ...(message.previewUrl === undefined ? {} : { previewUrl: message.previewUrl }),
      };
    case 'media': {
      const { mediaType, id, link, caption, filename } = message;
      if (!MEDIA_TYPES_BY_CHANNEL.whatsapp.includes(mediaType)) throw refuse('whatsapp', mediaType);
      // Fields a type does not take are left for the WhatsApp schema to refuse, with its message.
      return { type: mediaType, id, link, caption, filename } as WhatsAppMessage;
    }
    case 'template':
      return {
        type: 'template',
        name: message.name,
        language: message.language,
        components: message.components,
      };
    case 'interactive':
      return { type: 'interactive', interactive: message.interactive };
    case 'reaction':
      return { type: 'reaction', messageId: message.messageId, emoji: message.emoji };
    default:
      throw refuse('whatsapp', message.type);
  }
}

function toMessagingMessage(command: SendCommand, channel: string): MessagingMessage {
  const { message } = command;
  const quickReplies = command.quickReplies === undefined ? {} : { quickReplies: command.quickReplies };
  switch (message.type) {
    case 'text':
      return { type: 'text', text: message.text, ...quickReplies };
    case 'media': {
      const attachmentType = MESSAGING_ATTACHMENT_TYPES.find((t) => t === message.mediaType);
      if (attachmentType === undefined) throw refuse(channel, `${message.mediaType} media`);
      return {
        type: 'attachment',
        attachmentType,
        ...(message.id === undefined ? { url: message.link } : { attachmentId: message.id }),
        ...quickReplies,
      };
    }
    default:
      throw refuse(channel, message.type);
  }
}

/** Undefined values dropped, so strict input schemas do not see keys the command never set. */
function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export async function sendCommand(
  calls: CommandCalls,
  command: SendCommand,
  target: SendTarget,
): Promise<CommandSendResult> {
  const { token } = target;
  switch (command.channel) {
    case 'whatsapp': {
      const phoneNumberId = target.accountId;
      if (phoneNumberId === undefined) {
        throw new GraphValidationError('send target', [
          { path: 'accountId', message: 'WhatsApp sends need the phone_number_id' },
        ]);
      }
      if (command.message.type === 'mark_read') {
        await calls.markWhatsAppRead({ phoneNumberId, token, messageId: command.message.messageId });
        return { metaMessageId: null };
      }
      const message = compact(
        toWhatsAppMessage(command.message) as Record<string, unknown>,
      ) as WhatsAppMessage;
      const sent = await calls.sendWhatsApp(
        compact({
          phoneNumberId,
          token,
          to: command.to,
          recipientType: command.recipientType,
          message,
          replyTo: command.replyTo,
          // Echoed in the status webhooks: statuses map back to the command without a lookup.
          callbackData: command.commandId,
        }),
      );
      return { metaMessageId: sent.messageId, ...(sent.waId === undefined ? {} : { waId: sent.waId }) };
    }
    case 'messenger':
    case 'instagram': {
      const common =
        command.message.type === 'sender_action'
          ? { token, recipientId: command.to, senderAction: command.message.action }
          : compact({
              token,
              recipientId: command.to,
              message: toMessagingMessage(command, command.channel),
              replyTo: command.replyTo,
              tag: command.tag,
            });
      const sent =
        command.channel === 'messenger'
          ? await calls.sendMessenger({
              pageId: target.accountId ?? 'me',
              ...common,
              // metadata comes back in the message_echoes webhook, like WhatsApp's callback data.
              ...('message' in common
                ? { messagingType: command.messagingType ?? 'RESPONSE', metadata: command.commandId }
                : {}),
            } as SendMessengerInput)
          : await calls.sendInstagram({
              igUserId: target.accountId ?? 'me',
              ...common,
            } as SendInstagramInput);
      return { metaMessageId: sent.messageId, recipientId: sent.recipientId };
    }
  }
}
