import { signBody } from '../src/signature.ts';
import { APP_SECRET } from './harness.ts';

/**
 * A WhatsApp webhook with one text message and one status per index, written the way Meta writes
 * them (escaped non-ASCII and slashes), plus the headers Meta would send.
 */
export function whatsappWebhook(i: number, options: { phoneNumberId?: string; text?: string } = {}) {
  const phoneNumberId = options.phoneNumberId ?? '106540352242922';
  const text = options.text ?? `ol\\u00e1 #${i} https:\\/\\/example.com \\ud83d\\ude00`;
  const body =
    `{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{` +
    `"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"${phoneNumberId}"},` +
    `"contacts":[{"profile":{"name":"Kerry Fisher"},"wa_id":"1650555${String(i % 10000).padStart(4, '0')}"}],` +
    `"messages":[{"from":"1650555${String(i % 10000).padStart(4, '0')}","id":"wamid.TEST${i}","timestamp":"1749416383","type":"text","text":{"body":"${text}"}}],` +
    `"statuses":[{"id":"wamid.OUT${i}","status":"delivered","timestamp":"1749416390","recipient_id":"16505559999"}]` +
    `},"field":"messages"}]}]}`;
  return {
    body,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, APP_SECRET) },
  };
}
