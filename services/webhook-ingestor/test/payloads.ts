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

const WORDS = [
  'olá',
  'pedido',
  'entrega',
  'amanhã',
  'obrigado',
  'quando',
  'chega',
  'https:\\/\\/example.com\\/rastreio',
  'preço',
  'cartão',
  'não',
  'recebi',
  'ainda',
  'por favor',
  '😀',
  'bom dia',
  'endereço',
  'nota fiscal',
  'troca',
  'tamanho',
];

/** Deterministic chat-like text of about `chars` characters, escaped the way Meta escapes JSON. */
export function chatText(chars: number, seed: number): string {
  let state = seed >>> 0 || 1;
  const words: string[] = [];
  let length = 0;
  while (length < chars) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    const word = `${WORDS[state % WORDS.length]}${state % 7 === 0 ? ` #${state % 100_000}` : ''}`;
    words.push(word);
    length += word.length + 1;
  }
  // Meta writes non-ASCII as \uXXXX escapes (surrogate pairs for emoji), as in the fixtures.
  return words
    .join(' ')
    .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * One WhatsApp webhook of about `targetBytes` (Meta's bodies reach 3 MB): a batch of text messages
 * from many customers (4,096 characters is WhatsApp's text limit), led by one message whose text is
 * `bigTextChars` long, so one event is larger than Kafka's 1 MiB default on its own. Returns the
 * wamids it carries.
 */
export function largeWhatsappWebhook(options: { targetBytes: number; bigTextChars: number; tag: string }) {
  const message = (n: number, text: string) =>
    `{"from":"55119${String(n).padStart(8, '0')}","id":"wamid.${options.tag}.${n}","timestamp":"1749416383","type":"text","text":{"body":"${text}"}}`;
  const contact = (n: number) =>
    `{"profile":{"name":"Cliente ${n}"},"wa_id":"55119${String(n).padStart(8, '0')}"}`;
  const head =
    `{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{` +
    `"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},`;
  const first = message(0, chatText(options.bigTextChars, 7));
  const messages = [first];
  const contacts = [contact(0)];
  let size = head.length + first.length + 128;
  for (let n = 1; ; n++) {
    const m = message(n, chatText(1_000 + ((n * 397) % 3_000), n));
    const c = contact(n);
    if (size + m.length + c.length + 2 > options.targetBytes) break;
    messages.push(m);
    contacts.push(c);
    size += m.length + c.length + 2;
  }
  const body = `${head}"contacts":[${contacts.join(',')}],"messages":[${messages.join(',')}]},"field":"messages"}]}]}`;
  return {
    body,
    wamids: messages.map((_, n) => `wamid.${options.tag}.${n}`),
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, APP_SECRET) },
  };
}
