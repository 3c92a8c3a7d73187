import { readMessages, testKafka, uniqueTopic, useTestDatabase } from '@omnistream/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../src/signature.ts';
import { APP_SECRET, IG_APP_SECRET, startIngestor, type TestIngestor, VERIFY_TOKEN } from './harness.ts';

const waBody = JSON.stringify({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: '102290129340398',
      changes: [
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
            contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' }],
            messages: [
              {
                from: '16505551234',
                id: 'wamid.BAD-INPUT-VALID',
                timestamp: '1749416383',
                type: 'text',
                text: { body: 'ok' },
              },
            ],
          },
        },
      ],
    },
  ],
});

interface Case {
  name: string;
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  status: number;
  code?: string;
}

const json = { 'content-type': 'application/json' };
const signed = (body: string | Buffer, secret = APP_SECRET) => ({
  ...json,
  'x-hub-signature-256': signBody(body, secret),
});
const verifyUrl = (q: Record<string, string>) => `/webhook/whatsapp?${new URLSearchParams(q)}`;
// A nested text body crashed the normalizer's recursion (500) before the depth bound.
const deepWebhook = waBody.replace(
  '"text":{"body":"ok"}',
  `"text":{"body":${'['.repeat(5_000)}${']'.repeat(5_000)}}`,
);
const deepArray = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
const big = Buffer.alloc(3 * 1024 * 1024 + 10, 0x20);

const cases: Case[] = [
  {
    name: 'verify: no parameters',
    method: 'GET',
    url: '/webhook/whatsapp',
    status: 400,
    code: 'GW_BAD_REQUEST',
  },
  {
    name: 'verify: no challenge',
    method: 'GET',
    url: verifyUrl({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN }),
    status: 400,
  },
  {
    name: 'verify: no token',
    method: 'GET',
    url: verifyUrl({ 'hub.mode': 'subscribe', 'hub.challenge': '123' }),
    status: 400,
  },
  {
    name: 'verify: wrong token',
    method: 'GET',
    url: verifyUrl({ 'hub.mode': 'subscribe', 'hub.verify_token': 'nope', 'hub.challenge': '1' }),
    status: 403,
    code: 'GW_VERIFY_TOKEN_MISMATCH',
  },
  {
    name: 'verify: token differing in length only',
    method: 'GET',
    url: verifyUrl({ 'hub.mode': 'subscribe', 'hub.verify_token': `${VERIFY_TOKEN}x`, 'hub.challenge': '1' }),
    status: 403,
  },
  {
    name: 'verify: wrong mode',
    method: 'GET',
    url: verifyUrl({ 'hub.mode': 'unsubscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1' }),
    status: 403,
  },
  {
    name: 'verify: oversized challenge',
    method: 'GET',
    url: verifyUrl({
      'hub.mode': 'subscribe',
      'hub.verify_token': VERIFY_TOKEN,
      'hub.challenge': 'x'.repeat(600),
    }),
    status: 400,
  },
  {
    name: 'post: no signature',
    method: 'POST',
    url: '/webhook/whatsapp',
    headers: json,
    body: waBody,
    status: 401,
    code: 'GW_SIGNATURE_MISMATCH',
  },
  {
    name: 'post: sha1 signature',
    method: 'POST',
    url: '/webhook/whatsapp',
    headers: { ...json, 'x-hub-signature-256': `sha1=${'a'.repeat(40)}` },
    body: waBody,
    status: 401,
  },
  {
    name: 'post: truncated hex',
    method: 'POST',
    url: '/webhook/whatsapp',
    headers: { ...json, 'x-hub-signature-256': signBody(waBody, APP_SECRET).slice(0, 50) },
    body: waBody,
    status: 401,
  },
  {
    name: 'post: non-hex signature',
    method: 'POST',
    url: '/webhook/whatsapp',
    headers: { ...json, 'x-hub-signature-256': `sha256=${'z'.repeat(64)}` },
    body: waBody,
    status: 401,
  },
  {
    name: 'post: signed with another secret',
    method: 'POST',
    url: '/webhook/whatsapp',
    headers: signed(waBody, 'someone-elses-secret'),
    body: waBody,
    status: 401,
  },
  {
    name: 'post: whatsapp signed with the Instagram secret',
    method: 'POST',
    url: '/webhook/whatsapp',
    headers: signed(waBody, IG_APP_SECRET),
    body: waBody,
    status: 401,
  },
  {
    name: 'post: signature of another body',
    method: 'POST',
    url: '/webhook/whatsapp',
    headers: signed(`${waBody} `),
    body: waBody,
    status: 401,
  },
  {
    name: 'post: re-serialized JSON does not verify',
    method: 'POST',
    url: '/webhook/whatsapp',
    headers: signed('{"a":"\\u00e9"}'),
    body: '{"a":"é"}',
    status: 401,
  },
  {
    name: 'post: invalid JSON, valid signature',
    method: 'POST',
    url: '/webhook/whatsapp',
    headers: signed('{"object":'),
    body: '{"object":',
    status: 400,
    code: 'GW_INVALID_JSON',
  },
  {
    name: 'post: 5,000-deep JSON inside a real payload, valid signature',
    method: 'POST',
    url: '/webhook/whatsapp',
    headers: signed(deepWebhook),
    body: deepWebhook,
    status: 400,
    code: 'GW_INVALID_JSON',
  },
  {
    name: 'post: 5,000-deep JSON array, valid signature',
    method: 'POST',
    url: '/webhook/messenger',
    headers: signed(deepArray),
    body: deepArray,
    status: 400,
    code: 'GW_INVALID_JSON',
  },
  {
    name: 'post: empty body, valid signature',
    method: 'POST',
    url: '/webhook/whatsapp',
    headers: signed(''),
    body: '',
    status: 400,
  },
  {
    name: 'post: JSON null',
    method: 'POST',
    url: '/webhook/whatsapp',
    headers: signed('null'),
    body: 'null',
    status: 400,
    code: 'GW_OBJECT_MISMATCH',
  },
  {
    name: 'post: JSON array',
    method: 'POST',
    url: '/webhook/whatsapp',
    headers: signed('[1,2]'),
    body: '[1,2]',
    status: 400,
    code: 'GW_OBJECT_MISMATCH',
  },
  {
    name: 'post: Messenger payload on the WhatsApp route',
    method: 'POST',
    url: '/webhook/whatsapp',
    headers: signed('{"object":"page","entry":[]}'),
    body: '{"object":"page","entry":[]}',
    status: 400,
    code: 'GW_OBJECT_MISMATCH',
  },
  {
    name: 'post: WhatsApp payload on the Messenger route',
    method: 'POST',
    url: '/webhook/messenger',
    headers: signed(waBody),
    body: waBody,
    status: 400,
  },
  {
    name: 'post: text/plain',
    method: 'POST',
    url: '/webhook/whatsapp',
    headers: { 'content-type': 'text/plain', 'x-hub-signature-256': signBody(waBody, APP_SECRET) },
    body: waBody,
    status: 415,
    code: 'GW_UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'post: form-encoded',
    method: 'POST',
    url: '/webhook/whatsapp',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'a=1',
    status: 415,
  },
  {
    name: 'post: no content type',
    method: 'POST',
    url: '/webhook/whatsapp',
    headers: { 'x-hub-signature-256': signBody(waBody, APP_SECRET) },
    body: waBody,
    status: 415,
  },
  {
    name: 'post: over 3 MB',
    method: 'POST',
    url: '/webhook/whatsapp',
    headers: json,
    body: big,
    status: 413,
    code: 'GW_PAYLOAD_TOO_LARGE',
  },
  {
    name: 'unknown channel',
    method: 'POST',
    url: '/webhook/telegram',
    headers: signed(waBody),
    body: waBody,
    status: 404,
    code: 'GW_NOT_FOUND',
  },
  {
    name: 'unsupported method',
    method: 'PUT',
    url: '/webhook/whatsapp',
    headers: signed(waBody),
    body: waBody,
    status: 404,
  },
];

describe('webhook-ingestor bad input (real broker and PostgreSQL)', () => {
  const db = useTestDatabase();
  let ingestor: TestIngestor;
  let topic: string;

  beforeAll(async () => {
    topic = await uniqueTopic({ label: 'bad-input' });
    ingestor = await startIngestor({ brokers: testKafka().brokers, topic, pool: db.pool });
  });
  afterAll(async () => {
    await ingestor?.close();
  });

  it.each(cases)('$name → $status', async (c) => {
    const res = await ingestor.app.inject({
      method: c.method,
      url: c.url,
      headers: c.headers ?? {},
      ...(c.body !== undefined ? { payload: c.body } : {}),
    });
    expect(res.statusCode).toBe(c.status);
    const body = res.json();
    expect(body.error.requestId).toBeTruthy();
    if (c.code) expect(body.error.code).toBe(c.code);
    // A client error never leaks a secret or the signature back.
    expect(res.body).not.toContain(APP_SECRET);
    expect(res.body).not.toContain('sha256=');
  });

  it('answers the verification challenge with exactly hub.challenge as text/plain', async () => {
    const res = await ingestor.app.inject({
      method: 'GET',
      url: `/webhook/instagram?${new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' })}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toBe('1158201444');
  });

  it('logs a signature mismatch as a warning with channel and request id, never the secret, header or body', async () => {
    const before = ingestor.logs.length;
    const res = await ingestor.app.inject({
      method: 'POST',
      url: '/webhook/messenger',
      headers: { ...signed('{"object":"page"}', 'wrong-secret-abcdef'), 'x-request-id': 'req-sig-1' },
      payload: '{"object":"page","entry":[{"id":"SECRET-BODY-MARKER"}]}',
    });
    expect(res.statusCode).toBe(401);
    const lines = ingestor.logs.slice(before).map((l) => JSON.parse(l));
    const warn = lines.find((l) => l.msg === 'signature mismatch');
    expect(warn).toMatchObject({ level: 'warn', channel: 'messenger', reqId: 'req-sig-1' });
    const text = ingestor.logs.slice(before).join('\n');
    expect(text).not.toContain('SECRET-BODY-MARKER');
    expect(text).not.toContain(signBody('{"object":"page"}', 'wrong-secret-abcdef').slice(7));
    expect(text).not.toContain(APP_SECRET);
  });

  it('never produced anything to Kafka for the refused requests, and answers 200 for the valid one', async () => {
    const ok = await ingestor.app.inject({
      method: 'POST',
      url: '/webhook/whatsapp',
      headers: signed(waBody),
      payload: waBody,
    });
    expect(ok.statusCode).toBe(200);
    const messages = await readMessages({ topic, count: 1, settleMs: 1_000 });
    expect(messages).toHaveLength(1);
    expect(JSON.parse(messages[0]?.text ?? '{}').payload).toMatchObject({
      messageId: 'wamid.BAD-INPUT-VALID',
      text: 'ok',
    });
  });
});
