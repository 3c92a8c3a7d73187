import { randomBytes } from 'node:crypto';
import { signBody } from '../services/webhook-ingestor/src/signature.ts';

/** One pre-built webhook POST as the load generator sends it. */
export interface BenchRequest {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Events the ingestor should make of it (messages + statuses). */
  events: number;
  kind: PayloadKind;
}

export type PayloadKind = 'text' | 'image' | 'status' | 'batch';

/** Share of each kind in the mix: mostly single events, with a fifth of batched deliveries. */
const MIX: readonly (readonly [PayloadKind, number])[] = [
  ['text', 0.35],
  ['image', 0.2],
  ['status', 0.25],
  ['batch', 0.2],
];

/** The size band the benchmark is specified for. */
const MIN_BYTES = 1024;
const MAX_BYTES = 3072;

const WABA_ID = '102290129340398';
const BUSINESS_NUMBERS = [
  { id: '106540352242922', display: '15550783881' },
  { id: '107655329992321', display: '15550781234' },
  { id: '108231775310942', display: '15550784455' },
] as const;
const NAMES = [
  'Kerry Fisher',
  'Sheena Nelson',
  'Jos\u00e9 \u00c1lvarez',
  'Zo\u00eb M\u00fcller',
  'Ana\u00efs Lef\u00e8vre',
];
const SENTENCES = [
  'Ol\u00e1! Gostaria de saber se o pedido #4471 j\u00e1 foi enviado. Obrigado \ud83d\ude00',
  'Bonjour, est-ce que la livraison est pr\u00e9vue pour demain ? Voir https://example.com/orders/4471',
  'Hi! Can I change the delivery address to 42 Main St / Apt 3? \ud83d\ude4f\ud83c\udffd',
  '\u00bfPodr\u00edan enviarme la factura? La necesito para ma\u00f1ana. Gracias \ud83d\udc4d',
  'Hallo, die Gr\u00f6\u00dfe M passt leider nicht. Kann ich sie gegen L umtauschen? \ud83d\udce6',
  'I ordered two of them on Monday but only one arrived, the tracking page says "delivered".',
  'Also, is the 20% discount still valid for the second item? I saw it in your ad yesterday.',
  'Je suis disponible apr\u00e8s 18h, sinon vous pouvez laisser le colis chez la voisine.',
  'My order number is 4471 and the email is kerry.fisher@example.com, thanks a lot!',
];
const CAPTIONS = [
  'This one, in green \ud83d\udc9a \u2014 do you have it in size 38?',
  'Photo of the damaged box \ud83d\ude1e it arrived like this this morning',
  'Receipt / invoice #4471, the total is wrong (charged twice)',
];

/**
 * Serializes like Meta (PHP json_encode): every non-ASCII UTF-16 unit as \uXXXX (so an emoji is a
 * surrogate pair) and `/` as `\/`. The signature covers these exact bytes.
 */
export function metaJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');
}

type Rendered = { body: string; events: number };
/** A drawn webhook: everything random is fixed, `padding` (more text, more tracking items) is not. */
type Draft = (padding: number) => Rendered;

/**
 * Builds `count` distinct signed WhatsApp webhooks of 1–3 KB: wamids are unique within the set and
 * carry a per-run nonce, so no two runs send the same ids. The mix is reproducible for a seed.
 */
export function buildWhatsAppRequests(options: {
  count: number;
  appSecret: string;
  seed?: number;
}): BenchRequest[] {
  const nonce = randomBytes(6).toString('hex').toUpperCase();
  let state = options.seed ?? 0x2545f491;
  // xorshift32
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  let serial = 0;
  // Shaped like Meta's (base64 of a protobuf-ish blob holding the phone number and a message id).
  const wamid = (phone: string) =>
    `wamid.${Buffer.from(`\x18\x0b${phone}\x15\x02\x00\x12\x18\x14${nonce}${(serial++).toString(16).padStart(8, '0')}`).toString('base64')}`;
  const now = Math.floor(Date.now() / 1000);
  const customer = () => ({ waId: `16505${String(between(0, 9_999)).padStart(6, '0')}`, name: pick(NAMES) });
  const sentences = (n: number) => Array.from({ length: n }, () => pick(SENTENCES));

  // Replies carry `context`; conversations started from a click-to-WhatsApp ad carry `referral`.
  const drawExtras = (business: string, allowReferral: boolean) => {
    const r = random();
    if (r < 0.35) return { context: { from: business, id: wamid(business) } };
    if (allowReferral && r < 0.55) {
      return {
        referral: {
          source_url: `https://fb.me/${randomBytes(6).toString('base64url')}`,
          source_id: String(120_208_000_000_000 + between(0, 999_999_999)),
          source_type: 'ad',
          headline: 'Spring sale \u2014 up to 40% off \ud83c\udf38',
          body: 'Chat with us on WhatsApp to get your personal discount code before Sunday.',
          media_type: 'image',
          image_url: `https://scontent.xx.fbcdn.net/v/t45.1600-4/${randomBytes(12).toString('hex')}_n.png`,
          ctwa_clid: `Afd${randomBytes(24).toString('base64url')}`,
          welcome_message: { text: 'Hi! How can we help you?' },
        },
      };
    }
    return {};
  };

  /** A customer's message (text, or image with caption), its text growing with `padding`. */
  const drawMessage = (business: string, ts: number, image: boolean, inBatch: boolean) => {
    const c = customer();
    const extras = drawExtras(business, !inBatch);
    const id = wamid(c.waId);
    const base = sentences(inBatch ? 1 : 2);
    const more = sentences(12);
    const caption = pick(CAPTIONS);
    const media = {
      mime_type: 'image/jpeg',
      sha256: randomBytes(32).toString('hex'),
      id: String(2_754_859_441_000_000 + serial),
      url: `https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=${2_754_859_441_000_000 + serial}&ext=${ts + 300}&hash=AT${randomBytes(16).toString('base64url')}`,
    };
    const contact = { profile: { name: c.name }, wa_id: c.waId };
    const render = (padding: number) => {
      const text = [...base, ...more.slice(0, padding)].join(' ');
      const common = { ...extras, from: c.waId, id, timestamp: String(ts) };
      return image
        ? {
            ...common,
            type: 'image',
            image: { caption: padding === 0 ? caption : `${caption} ${text}`, ...media },
          }
        : { ...common, type: 'text', text: { body: text } };
    };
    return { contact, render };
  };

  /** A status of one of our sent messages, with conversation, pricing and our tracking data. */
  const drawStatus = (ts: number) => {
    const recipient = customer().waId;
    const id = wamid(recipient);
    const status = pick(['sent', 'delivered', 'read'] as const);
    const items = Array.from({ length: 12 }, () => ({
      sku: `SKU-${between(1000, 9999)}`,
      qty: between(1, 3),
    }));
    const tracking = {
      campaign: 'spring-sale/2025',
      order: between(4000, 4999),
      template: 'order_shipped_v3',
      locale: pick(['pt_BR', 'fr_FR', 'es_ES', 'de_DE']),
      trace: randomBytes(12).toString('hex'),
      agent: pick(NAMES),
      callback: `https://hooks.example.com/wa/${randomBytes(8).toString('hex')}`,
    };
    const conversation = {
      id: randomBytes(16).toString('hex'),
      ...(status === 'sent' ? { expiration_timestamp: String(ts + 86_400) } : {}),
      origin: { type: pick(['service', 'utility', 'marketing']) },
    };
    return (padding: number) => ({
      id,
      status,
      timestamp: String(ts),
      recipient_id: recipient,
      // Senders put their own tracking JSON here (up to 512 characters); Meta echoes it back.
      biz_opaque_callback_data: JSON.stringify({ ...tracking, items: items.slice(0, 1 + padding) }).slice(
        0,
        512,
      ),
      conversation,
      pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' },
    });
  };

  const drawWebhook = (kind: PayloadKind): Draft => {
    const business = pick(BUSINESS_NUMBERS);
    const ts = now - between(0, 600);
    const messages: ReturnType<typeof drawMessage>[] = [];
    const statuses: ReturnType<typeof drawStatus>[] = [];
    if (kind === 'text' || kind === 'image')
      messages.push(drawMessage(business.display, ts, kind === 'image', false));
    else if (kind === 'status') {
      statuses.push(drawStatus(ts));
      if (random() < 0.3) statuses.push(drawStatus(ts + 1));
    } else {
      const events = between(2, 5);
      for (let i = 0; i < events; i++) {
        const r = random();
        if (r < 0.4) messages.push(drawMessage(business.display, ts + i, false, true));
        else if (r < 0.55) messages.push(drawMessage(business.display, ts + i, true, true));
        else statuses.push(drawStatus(ts + i));
      }
    }
    return (padding) => {
      // In a batch the padding is spread over the messages (or statuses) one at a time.
      const grown = (i: number, n: number) =>
        n === 0 ? 0 : Math.floor(padding / n) + (i < padding % n ? 1 : 0);
      const value = {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: business.display, phone_number_id: business.id },
        ...(messages.length > 0 ? { contacts: messages.map((m) => m.contact) } : {}),
        ...(messages.length > 0
          ? { messages: messages.map((m, i) => m.render(grown(i, messages.length))) }
          : {}),
        ...(statuses.length > 0
          ? { statuses: statuses.map((s, i) => s(messages.length > 0 ? 0 : grown(i, statuses.length))) }
          : {}),
      };
      const body = metaJson({
        object: 'whatsapp_business_account',
        entry: [{ id: WABA_ID, changes: [{ value, field: 'messages' }] }],
      });
      return { body, events: messages.length + statuses.length };
    };
  };

  const requests: BenchRequest[] = [];
  while (requests.length < options.count) {
    let r = random();
    let kind: PayloadKind = 'batch';
    for (const [k, share] of MIX) {
      if (r < share) {
        kind = k;
        break;
      }
      r -= share;
    }
    // Grow the text (or tracking data) up to a size drawn from the band; a draw that cannot fit it
    // (a five-event batch over 3 KB) is replaced by a new one of the same kind.
    const draft = drawWebhook(kind);
    const target = kind === 'batch' ? between(1_600, MAX_BYTES) : between(MIN_BYTES, 1_700);
    let rendered = draft(0);
    for (let padding = 1; padding <= 12 && rendered.body.length < target; padding++) {
      const next = draft(padding);
      if (next.body.length > MAX_BYTES) break;
      rendered = next;
    }
    if (rendered.body.length < MIN_BYTES || rendered.body.length > MAX_BYTES) continue;
    requests.push({
      method: 'POST',
      path: '/webhook/whatsapp',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'facebookexternalua',
        'x-hub-signature-256': signBody(rendered.body, options.appSecret),
      },
      body: rendered.body,
      events: rendered.events,
      kind,
    });
  }
  return requests;
}

/** Sizes, kinds and events of a request set, for the report. */
export function describeRequests(requests: readonly BenchRequest[]) {
  const sizes = requests.map((r) => Buffer.byteLength(r.body)).sort((a, b) => a - b);
  const byKind: Record<string, number> = {};
  for (const r of requests) byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
  const events = requests.reduce((n, r) => n + r.events, 0);
  return {
    count: requests.length,
    minBytes: sizes[0] ?? 0,
    medianBytes: sizes[Math.floor(sizes.length / 2)] ?? 0,
    maxBytes: sizes[sizes.length - 1] ?? 0,
    eventsPerRequest: requests.length === 0 ? 0 : events / requests.length,
    byKind,
  };
}
