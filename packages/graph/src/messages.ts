import { validate } from './input-primitives.ts';
import { messagingRequestBody } from './messaging-body.ts';
import {
  type SendInstagramInput,
  SendInstagramInputSchema,
  type SendMessengerInput,
  SendMessengerInputSchema,
} from './messaging-message.ts';
import {
  asObject,
  objects,
  optionalString,
  requiredString,
  requireSuccess,
  unexpected,
} from './responses.ts';
import type { Transport } from './transport.ts';
import { whatsAppMessageBody, whatsAppReadBody } from './whatsapp-body.ts';
import {
  type MarkWhatsAppReadInput,
  MarkWhatsAppReadInputSchema,
  type SendWhatsAppInput,
  SendWhatsAppInputSchema,
} from './whatsapp-message.ts';

export interface WhatsAppSendResult {
  /** The wamid. */
  messageId: string;
  /** Normalized number of the recipient; absent for username-only (BSUID) recipients. */
  waId?: string;
  /** The recipient's BSUID, when Meta answers with one (sends addressed by BSUID). */
  userId?: string;
  /** Template sends only: accepted | held_for_quality_assessment | paused. */
  messageStatus?: string;
}

export interface MessagingSendResult {
  messageId: string;
  recipientId: string;
}

/** Sender actions create no message, so Meta answers with the recipient only. */
export interface SenderActionResult {
  messageId: null;
  recipientId: string;
}

export function createMessageCalls(transport: Transport) {
  async function sendWhatsApp(input: SendWhatsAppInput): Promise<WhatsAppSendResult> {
    const { phoneNumberId, token, to, message, replyTo, callbackData, recipientType } = validate(
      SendWhatsAppInputSchema,
      input,
      'WhatsApp send',
    );
    const path = `/${phoneNumberId}/messages`;
    const data = asObject(
      await transport.call({
        host: 'graph',
        method: 'POST',
        path,
        token,
        json: whatsAppMessageBody(to, message, replyTo, callbackData, recipientType),
      }),
      path,
    );
    // Meta answers one entry per message sent; never assume more than "some entry with an id".
    const sent = objects(data.messages).find((m) => typeof m.id === 'string' && m.id !== '');
    if (sent === undefined) throw unexpected(`POST ${path}`, 'messages[].id');
    const result: WhatsAppSendResult = { messageId: sent.id as string };
    const waId = objects(data.contacts)
      .map((c) => optionalString(c, 'wa_id'))
      .find((id) => id !== undefined);
    if (waId !== undefined) result.waId = waId;
    const userId = objects(data.contacts)
      .map((c) => optionalString(c, 'user_id'))
      .find((id) => id !== undefined);
    if (userId !== undefined) result.userId = userId;
    const status = optionalString(sent, 'message_status');
    if (status !== undefined) result.messageStatus = status;
    return result;
  }

  async function markWhatsAppRead(input: MarkWhatsAppReadInput): Promise<void> {
    const { phoneNumberId, token, messageId } = validate(
      MarkWhatsAppReadInputSchema,
      input,
      'WhatsApp mark read',
    );
    const path = `/${phoneNumberId}/messages`;
    requireSuccess(
      await transport.call({ host: 'graph', method: 'POST', path, token, json: whatsAppReadBody(messageId) }),
      `POST ${path}`,
    );
  }

  function messagingResult(data: unknown, endpoint: string, senderAction: boolean) {
    const obj = asObject(data, endpoint);
    const recipientId = requiredString(obj, 'recipient_id', endpoint);
    if (senderAction) return { messageId: null, recipientId };
    return { messageId: requiredString(obj, 'message_id', endpoint), recipientId };
  }

  async function sendMessenger(input: SendMessengerInput): Promise<MessagingSendResult | SenderActionResult> {
    const { pageId, token, ...request } = validate(SendMessengerInputSchema, input, 'Messenger send');
    const path = `/${pageId}/messages`;
    const data = await transport.call({
      host: 'graph',
      method: 'POST',
      path,
      token,
      json: messagingRequestBody(request),
    });
    return messagingResult(data, `POST ${path}`, request.senderAction !== undefined);
  }

  async function sendInstagram(input: SendInstagramInput): Promise<MessagingSendResult | SenderActionResult> {
    const { igUserId, token, ...request } = validate(SendInstagramInputSchema, input, 'Instagram send');
    const path = `/${igUserId}/messages`;
    const body = messagingRequestBody({
      ...request,
      messagingType: request.tag === undefined ? undefined : 'MESSAGE_TAG',
    });
    const data = await transport.call({ host: 'instagram', method: 'POST', path, token, json: body });
    return messagingResult(data, `POST ${path}`, request.senderAction !== undefined);
  }

  return { sendWhatsApp, markWhatsAppRead, sendMessenger, sendInstagram };
}
