import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestSim, type TestSim, USER_A, WA, waTemplate, waText } from './test-kit.ts';

const APP_SECRET = 'status-webhook-secret';

interface Received {
  raw: Buffer;
  headers: IncomingHttpHeaders;
}

let t: TestSim;
let server: Server;
let webhookUrl: string;
let received: Received[] = [];
/** Status codes to answer, in order; 200 once exhausted. */
let answers: number[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ raw: Buffer.concat(chunks), headers: req.headers });
      res.statusCode = answers.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/whatsapp`;
  t = await startTestSim({ app: { secret: APP_SECRET }, limits: { whatsappPairBurst: Infinity } });
});
afterAll(async () => {
  await t.sim.stop();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  t.sim.reset('all');
  received = [];
  answers = [];
});

function verifies(r: Received): boolean {
  const header = String(r.headers['x-hub-signature-256']);
  const expected = Buffer.from(`sha256=${createHmac('sha256', APP_SECRET).update(r.raw).digest('hex')}`);
  return header.length === expected.length && timingSafeEqual(Buffer.from(header), expected);
}

const SEND = `/${WA.phoneNumberId}/messages`;

describe('status webhooks', () => {
  it('posts sent, delivered and read in Meta’s shape, signed over the exact bytes, with escaped unicode and slashes', async () => {
    t.sim.webhooks.configure({
      webhookUrl,
      appSecret: APP_SECRET,
      statuses: ['sent', 'delivered', 'read'],
      delayMs: 5,
    });
    const opaque = 'Café / olá 😀 https://shop.example/o/1';
    const sent = await t.post(SEND, waText(USER_A, 'hi', { biz_opaque_callback_data: opaque }));
    const wamid = sent.json.messages[0].id;
    await t.sim.webhooks.idle();

    expect(received).toHaveLength(3);
    for (const r of received) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(verifies(r)).toBe(true);
      const text = r.raw.toString('utf8');
      expect(text).toContain(
        '"biz_opaque_callback_data":"Caf\\u00e9 \\/ ol\\u00e1 \\ud83d\\ude00 https:\\/\\/shop.example\\/o\\/1"',
      );
      expect(/[^ -~]/.test(text)).toBe(false); // printable ASCII only
      // A receiver that re-serializes the parsed body gets a different signature.
      const reserialized = createHmac('sha256', APP_SECRET)
        .update(JSON.stringify(JSON.parse(text)))
        .digest('hex');
      expect(r.headers['x-hub-signature-256']).not.toBe(`sha256=${reserialized}`);
    }

    const bodies = received.map((r) => JSON.parse(r.raw.toString('utf8')));
    expect(bodies.map((b) => b.entry[0].changes[0].value.statuses[0].status)).toEqual([
      'sent',
      'delivered',
      'read',
    ]);
    expect(bodies[0]).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WA.wabaId,
          changes: [
            {
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: WA.phoneNumberId },
                statuses: [
                  {
                    id: wamid,
                    status: 'sent',
                    timestamp: String(Math.floor(t.clock.now() / 1000)),
                    recipient_id: USER_A,
                    biz_opaque_callback_data: opaque,
                    conversation: {
                      id: expect.any(String),
                      expiration_timestamp: expect.any(String),
                      origin: { type: 'service' },
                    },
                    pricing: {
                      billable: false,
                      pricing_model: 'PMP',
                      type: 'free_customer_service',
                      category: 'service',
                    },
                  },
                ],
              },
              field: 'messages',
            },
          ],
        },
      ],
    });
    expect(bodies[2].entry[0].changes[0].value.statuses[0]).not.toHaveProperty('pricing');
  });

  it('retries a status the receiver did not answer 200 to, keeping the order', async () => {
    t.sim.webhooks.configure({
      webhookUrl,
      appSecret: APP_SECRET,
      statuses: ['sent', 'delivered'],
      retryDelayMs: 10,
    });
    answers = [500, 503];
    await t.post(SEND, waTemplate(USER_A));
    await t.sim.webhooks.idle();
    const statuses = received.map(
      (r) => JSON.parse(r.raw.toString()).entry[0].changes[0].value.statuses[0].status,
    );
    expect(statuses).toEqual(['sent', 'sent', 'sent', 'delivered']);
    expect(t.sim.webhooks.stats()).toMatchObject({ delivered: 2, retried: 2, failed: 0, pending: 0 });
    expect(
      JSON.parse(received[0]?.raw.toString() ?? '{}').entry[0].changes[0].value.statuses[0].pricing,
    ).toMatchObject({
      billable: true,
      category: 'utility',
    });
  });

  it('gives up after the configured retries', async () => {
    t.sim.webhooks.configure({
      webhookUrl,
      appSecret: APP_SECRET,
      statuses: ['sent'],
      retries: 1,
      retryDelayMs: 5,
    });
    answers = [500, 500, 500];
    await t.post(SEND, waText(USER_A, 'x'));
    await t.sim.webhooks.idle();
    expect(received).toHaveLength(2);
    expect(t.sim.webhooks.stats()).toMatchObject({ delivered: 0, failed: 1, retried: 1 });
  });

  it('sends a failed status with errors[] on demand (PUT /_sim/webhooks, POST /_sim/webhooks/status)', async () => {
    const put = await t.control('PUT', '/webhooks', { webhookUrl, appSecret: APP_SECRET, statuses: [] });
    expect(put.json.settings.appSecret).toBe(`…${APP_SECRET.slice(-4)}`);
    await t.post(SEND, waText(USER_A, 'x'));
    const emitted = await t.control('POST', '/webhooks/status', {
      phoneNumberId: WA.phoneNumberId,
      messageId: 'wamid.failed1',
      recipientId: USER_A,
      status: 'failed',
      errors: [{ code: 131047, title: 'Re-engagement message', error_data: { details: 'window closed' } }],
    });
    expect(emitted.status).toBe(202);
    await t.control('GET', '/webhooks/idle');
    expect(received).toHaveLength(1);
    const status = JSON.parse(received[0]?.raw.toString() ?? '{}').entry[0].changes[0].value.statuses[0];
    expect(status).toMatchObject({ id: 'wamid.failed1', status: 'failed', errors: [{ code: 131047 }] });
    expect(verifies(received[0] as Received)).toBe(true);
  });
});

describe('WhatsApp 2026: BSUID and group recipients, username-only customers', () => {
  const BSUID = 'US.13491208655302741918';

  it('a send to a BSUID answers with user_id and its statuses name recipient_user_id, not recipient_id', async () => {
    t.sim.webhooks.configure({ webhookUrl, appSecret: APP_SECRET, statuses: ['sent', 'read'], delayMs: 1 });
    const { to: _to, ...body } = waText(USER_A, 'hello');
    const sent = await t.post(SEND, { ...body, recipient: BSUID });
    expect(sent.status).toBe(200);
    expect(sent.json.contacts).toEqual([{ input: BSUID, user_id: BSUID }]);
    await t.sim.webhooks.idle();
    const statuses = received.map(
      (r) => JSON.parse(r.raw.toString('utf8')).entry[0].changes[0].value.statuses[0],
    );
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'read']);
    for (const s of statuses) {
      expect(s.recipient_user_id).toBe(BSUID);
      expect(s).not.toHaveProperty('recipient_id');
    }
  });

  it('a group send takes recipient_type group, needs no customer window, and its statuses say group', async () => {
    t.sim.window.enforce(true);
    t.sim.webhooks.configure({ webhookUrl, appSecret: APP_SECRET, statuses: ['sent'], delayMs: 1 });
    const body = { ...waText('Y2FwaV9ncm91cDox', 'hello group'), recipient_type: 'group' };
    const sent = await t.post(SEND, body);
    expect(sent.status).toBe(200);
    expect(sent.json.contacts).toEqual([{ input: 'Y2FwaV9ncm91cDox' }]);
    expect(sent.json.messages[0].group_id).toBe('Y2FwaV9ncm91cDox');
    await t.sim.webhooks.idle();
    const status = JSON.parse(received[0]!.raw.toString('utf8')).entry[0].changes[0].value.statuses[0];
    expect(status).toMatchObject({
      recipient_type: 'group',
      recipient_id: 'Y2FwaV9ncm91cDox',
      status: 'sent',
    });
  });

  it('refuses a recipient that is neither a phone number nor a BSUID, and an unknown recipient_type', async () => {
    const bad = await t.post(SEND, waText('kerry.fisher', 'hello'));
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe(100);
    expect(bad.json.error.error_data.details).toMatch(/not a valid phone number/);
    // Meta wants a BSUID in `recipient`, not in `to`.
    const inTo = await t.post(SEND, waText(BSUID, 'hello'));
    expect(inTo.status).toBe(400);
    expect(inTo.json.error.error_data.details).toMatch(/send it in 'recipient'/);
    const badType = await t.post(SEND, { ...waText(USER_A, 'x'), recipient_type: 'broadcast' });
    expect(badType.status).toBe(400);
  });

  it('POST /_sim/webhooks/inbound sends a signed message of a username-only customer: user_id and username, no wa_id or from', async () => {
    t.sim.window.enforce(true);
    t.sim.webhooks.configure({ webhookUrl, appSecret: APP_SECRET });
    const answer = await t.control('POST', '/webhooks/inbound', {
      phoneNumberId: WA.phoneNumberId,
      customer: { userId: BSUID, username: 'kerry.fisher', name: 'Kerry' },
      message: { type: 'text', text: 'hi' },
    });
    expect(answer.status).toBe(202);
    await t.sim.webhooks.idle();
    expect(received).toHaveLength(1);
    expect(verifies(received[0]!)).toBe(true);
    const value = JSON.parse(received[0]!.raw.toString('utf8')).entry[0].changes[0].value;
    expect(value.contacts).toEqual([
      { profile: { name: 'Kerry', username: 'kerry.fisher' }, user_id: BSUID },
    ]);
    expect(value.messages[0]).toMatchObject({ from_user_id: BSUID, id: answer.json.messageId, type: 'text' });
    expect(value.messages[0]).not.toHaveProperty('from');
    // The customer wrote: the 24 h window is open for a free-form reply by BSUID.
    const { to: _to, ...reply } = waText(USER_A, 'thanks');
    expect((await t.post(SEND, { ...reply, recipient: BSUID })).status).toBe(200);
  });

  it('POST /_sim/webhooks/inbound refuses a customer with neither a number nor a BSUID', async () => {
    t.sim.webhooks.configure({ webhookUrl, appSecret: APP_SECRET });
    const answer = await t.control('POST', '/webhooks/inbound', {
      phoneNumberId: WA.phoneNumberId,
      customer: { username: 'kerry.fisher' },
      message: { type: 'text', text: 'hi' },
    });
    expect(answer.status).toBe(400);
  });
});
