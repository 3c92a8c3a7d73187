// `pnpm demo`: one conversation through every hop of a running `pnpm dev` stack, printed as it
// happens. A customer's WhatsApp message arrives as Meta would send it, becomes a normalized event
// on Kafka, and a reply goes out through the admin API to the (simulated) Graph API, whose status
// webhooks then move it to sent, delivered and read. Nothing reaches Meta: the stack's Graph API is
// meta-sim. Safe to run again; it reuses the demo number's integration.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createKafka } from '../packages/kafka/src/index.ts';
import { createLogger } from '../packages/logger/src/index.ts';
import { type DevStack, readStackFile } from './dev/stack-file.ts';

// The demo business: a WhatsApp number in a WABA of a Business Manager, and its system-user token.
// Fixed, so a second run finds the integration of the first one and meta-sim accepts its token.
const BUSINESS_MANAGER_ID = '100000000000042';
const WABA_ID = '102290129340398';
const PHONE_NUMBER_ID = '106540352242922';
const DISPLAY_PHONE_NUMBER = '15550783881';
const TOKEN = 'EAAGdemoOmniStreamSystemUserToken0001';
const CUSTOMER = { waId: '16505551234', name: 'Kerry Fisher' };

const root = join(import.meta.dirname, '..');
const bold = (s: string) => (process.stdout.isTTY ? `\u001b[1m${s}\u001b[0m` : s);
const dim = (s: string) => (process.stdout.isTTY ? `\u001b[2m${s}\u001b[0m` : s);
const step = (n: number, title: string) => console.log(`\n${bold(`${n}. ${title}`)}`);
const detail = (line: string) => console.log(`   ${line}`);

class DemoError extends Error {}

interface Answer {
  status: number;
  body: unknown;
}

async function call(
  method: string,
  url: string,
  options: { key?: string; body?: unknown } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    throw new DemoError(`${method} ${url}: ${(err as Error).message}`);
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body };
}

function expectStatus(answer: Answer, wanted: number[], what: string): void {
  if (!wanted.includes(answer.status)) {
    throw new DemoError(`${what}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  }
}

const stack = readStackFile(root);
if (!stack) {
  console.error(
    'No running development stack found. Start one with `pnpm dev` (in another terminal), then run `pnpm demo`.',
  );
  process.exit(1);
}

try {
  await demo(stack);
} catch (err) {
  if (!(err instanceof DemoError)) throw err;
  console.error(`\ndemo stopped: ${err.message}`);
  process.exitCode = 1;
}

async function demo(s: DevStack): Promise<void> {
  console.log(
    bold('OmniStream Gateway demo') +
      dim(` against the pnpm dev stack (gateway ${s.gatewayUrl}, Kafka ${s.kafka.brokers.join(',')})`),
  );

  step(1, 'An admin key for this demo');
  const created = await call('POST', `${s.gatewayUrl}/admin/api-keys`, {
    key: s.adminApiKey,
    body: { name: `demo ${new Date().toISOString()}` },
  });
  expectStatus(created, [201], 'POST /admin/api-keys');
  const adminKey = created.body as { id: string; key: string; prefix: string };
  detail(`POST /admin/api-keys with the stack's bootstrap ADMIN_API_KEY → 201`);
  detail(`new key ${adminKey.prefix}… (shown once, stored only as a hash); the demo uses it from here on`);
  const key = adminKey.key;

  try {
    await conversation(s, key);
  } finally {
    const revoked = await call('DELETE', `${s.gatewayUrl}/admin/api-keys/${adminKey.id}`, { key });
    console.log(
      dim(`\n(demo admin key ${revoked.status === 200 ? 'revoked' : `not revoked: HTTP ${revoked.status}`})`),
    );
  }
}

async function conversation(s: DevStack, key: string): Promise<void> {
  step(2, 'Meta (simulated) knows the business number and its token');
  const registered = await call('POST', `${s.metaSimUrl}/_sim/accounts/whatsapp`, {
    body: {
      phoneNumberId: PHONE_NUMBER_ID,
      wabaId: WABA_ID,
      displayPhoneNumber: DISPLAY_PHONE_NUMBER,
      tokens: [TOKEN],
    },
  });
  expectStatus(registered, [201], 'meta-sim POST /_sim/accounts/whatsapp');
  detail(
    `meta-sim: number ${PHONE_NUMBER_ID} (+${DISPLAY_PHONE_NUMBER}) in WABA ${WABA_ID}, token …${TOKEN.slice(-4)}`,
  );

  step(3, 'Connect the number to the gateway');
  const integration = await connectWhatsApp(s, key);

  const inboundId = await customerWrites(s);
  if (!integration) {
    detail('\nWithout an integration there is nothing to reply from; the demo ends here.');
    return;
  }

  step(6, 'Reply through the admin API');
  const sent = await call('POST', `${s.gatewayUrl}/admin/messages`, {
    key,
    body: {
      integrationId: integration.id,
      to: CUSTOMER.waId,
      message: { type: 'text', text: 'Yes! It left our warehouse this morning and arrives tomorrow.' },
      replyTo: inboundId,
    },
  });
  if (sent.status === 404 && !JSON.stringify(sent.body).includes('integration')) {
    detail(`POST /admin/messages → 404: this api-gateway does not serve it yet. The demo ends here.`);
    return;
  }
  expectStatus(sent, [202], 'POST /admin/messages');
  const { commandId, status } = sent.body as { commandId: string; status: string };
  detail(`POST /admin/messages → 202, commandId ${commandId}, status ${status}`);
  detail(`the gateway put a send command on ${s.topics.outbound}; a message-sender picks it up`);

  step(7, 'Delivery, as Meta reports it back (status webhooks → ingestor → Kafka → sender)');
  await followStatus(s, key, commandId);
}

interface IntegrationView {
  id: string;
  connectionStatus: string;
  phoneNumberId: string | null;
  status: string;
  verificationDeferred?: string;
}

async function connectWhatsApp(s: DevStack, key: string): Promise<IntegrationView | null> {
  const created = await call('POST', `${s.gatewayUrl}/admin/integrations`, {
    key,
    body: {
      channel: 'whatsapp',
      name: 'Demo number',
      businessManagerId: BUSINESS_MANAGER_ID,
      wabaId: WABA_ID,
      phoneNumberId: PHONE_NUMBER_ID,
      token: TOKEN,
    },
  });
  if (created.status === 201) {
    const integration = created.body as IntegrationView;
    detail(`POST /admin/integrations → 201, integration ${integration.id}`);
    detail(
      `connectionStatus ${integration.connectionStatus}` +
        (integration.verificationDeferred
          ? ` (${integration.verificationDeferred})`
          : ' (the token was checked with Meta)'),
    );
    // Every service re-reads the integrations table on a timer; give the ingestor and the sender one
    // round to see the new number.
    const waitMs = s.integrationsPollIntervalMs + 500;
    detail(
      dim(`waiting ${waitMs} ms: the ingestor and the sender pick up new integrations on their next poll`),
    );
    await new Promise((r) => setTimeout(r, waitMs));
    return integration;
  }
  if (created.status === 409) {
    const list = await call(
      'GET',
      `${s.gatewayUrl}/admin/integrations?channel=whatsapp&status=active&limit=200`,
      {
        key,
      },
    );
    expectStatus(list, [200], 'GET /admin/integrations');
    const existing = (list.body as { items: IntegrationView[] }).items.find(
      (i) => i.phoneNumberId === PHONE_NUMBER_ID && i.status === 'active',
    );
    if (!existing)
      throw new DemoError('409 on create, but no active integration for the demo number is listed');
    detail(`POST /admin/integrations → 409: the number is already connected (an earlier run)`);
    detail(`reusing integration ${existing.id} (connectionStatus ${existing.connectionStatus})`);
    return existing;
  }
  if (created.status === 404) {
    detail('POST /admin/integrations → 404: this api-gateway does not serve it yet.');
    detail('The inbound hop still runs (its event carries integrationId null); no reply is sent.');
    return null;
  }
  expectStatus(created, [201, 409], 'POST /admin/integrations');
  return null;
}

/** Steps 4 and 5: a signed webhook as Meta sends it, and the event it became on Kafka. */
async function customerWrites(s: DevStack): Promise<string> {
  step(4, `${CUSTOMER.name} writes to the business on WhatsApp`);
  const inboundId = `wamid.DEMO${randomBytes(10).toString('hex').toUpperCase()}`;
  const text = `Hi! Is my order ${Math.floor(1000 + Math.random() * 9000)} on its way?`;
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: WABA_ID,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: DISPLAY_PHONE_NUMBER, phone_number_id: PHONE_NUMBER_ID },
              contacts: [{ profile: { name: CUSTOMER.name }, wa_id: CUSTOMER.waId }],
              messages: [
                {
                  from: CUSTOMER.waId,
                  id: inboundId,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: 'text',
                  text: { body: text },
                },
              ],
            },
          },
        ],
      },
    ],
  });
  const signature = `sha256=${createHmac('sha256', s.metaAppSecret).update(body).digest('hex')}`;

  // Read the inbound topic from its current end, so only what this run publishes is seen.
  const reader = await startInboundReader(s, inboundId);
  try {
    const webhook = await fetch(`${s.ingestorUrl}/webhook/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
      body,
      signal: AbortSignal.timeout(15_000),
    });
    const answer = await webhook.text();
    if (webhook.status !== 200) throw new DemoError(`webhook: HTTP ${webhook.status} ${answer}`);
    detail(`POST ${s.ingestorUrl}/webhook/whatsapp, the way Meta sends it:`);
    detail(`message ${inboundId}: "${text}"`);
    detail(
      `X-Hub-Signature-256: ${signature.slice(0, 23)}… (HMAC-SHA256 of the raw body with META_APP_SECRET)`,
    );
    detail('→ 200: the ingestor checked the signature and Kafka acknowledged the event before answering');

    step(5, `The normalized event on Kafka (${s.topics.inbound})`);
    const event = await reader.event;
    detail(`partition ${event.partition}, offset ${event.offset}, key ${event.key}`);
    const value = event.value as {
      eventId: string;
      kind: string;
      channel: string;
      integrationId: string | null;
      contact?: { id: string; name?: string };
      payload: unknown;
    };
    detail(`eventId        ${value.eventId} (derived from Meta's id: a redelivery gets the same one)`);
    detail(`kind, channel  ${value.kind}, ${value.channel}`);
    detail(`integrationId  ${value.integrationId ?? 'null (no integration known for this number yet)'}`);
    detail(`contact        ${value.contact?.id} (${value.contact?.name ?? 'no name'})`);
    detail(`payload        ${JSON.stringify(value.payload)}`);
  } finally {
    await reader.stop();
  }
  return inboundId;
}

interface ReadEvent {
  partition: number;
  offset: string;
  key: string | null;
  value: unknown;
}

/**
 * A plain kafkajs consumer in a fresh group that starts at the topic's current end and resolves
 * with the event of Meta message `metaMessageId`.
 */
async function startInboundReader(
  s: DevStack,
  metaMessageId: string,
): Promise<{ event: Promise<ReadEvent>; stop(): Promise<void> }> {
  const kafka = createKafka({
    brokers: s.kafka.brokers,
    clientId: 'omnistream-demo',
    logger: createLogger({ name: 'demo', level: 'silent' }),
  });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    for (const p of await admin.fetchTopicOffsets(s.topics.inbound)) ends.set(p.partition, BigInt(p.high));
  } finally {
    await admin.disconnect();
  }
  const consumer = kafka.consumer({ groupId: `omnistream-demo-${randomUUID()}`, maxWaitTimeInMs: 250 });
  let found: (event: ReadEvent) => void = () => {};
  const event = new Promise<ReadEvent>((resolve, reject) => {
    found = resolve;
    setTimeout(
      () => reject(new DemoError(`no event for ${metaMessageId} on ${s.topics.inbound} within 30 s`)),
      30_000,
    ).unref();
  });
  await consumer.connect();
  await consumer.subscribe({ topic: s.topics.inbound, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      if (BigInt(message.offset) < (ends.get(partition) ?? 0n) || !message.value) return;
      const value = JSON.parse(message.value.toString()) as { payload?: { messageId?: string } };
      if (value.payload?.messageId === metaMessageId) {
        found({ partition, offset: message.offset, key: message.key?.toString() ?? null, value });
      }
    },
  });
  for (const [partition, offset] of ends)
    consumer.seek({ topic: s.topics.inbound, partition, offset: String(offset) });
  return { event, stop: () => consumer.disconnect() };
}

interface MessageView {
  status: string;
  metaMessageId: string | null;
  history: { status: string; at: string; note?: string; error?: { code: string; message: string } }[];
  lastError: { code: string; message: string } | null;
}

async function followStatus(s: DevStack, key: string, commandId: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let printed = 0;
  let ledgerShown = false;
  while (Date.now() < deadline) {
    const answer = await call('GET', `${s.gatewayUrl}/admin/messages/${encodeURIComponent(commandId)}`, {
      key,
    });
    if (answer.status === 200) {
      const message = answer.body as MessageView;
      for (const entry of message.history.slice(printed)) {
        const at = new Date(entry.at);
        const time = Number.isNaN(at.getTime()) ? entry.at : at.toISOString().slice(11, 23);
        const extra =
          entry.status === 'sent' && message.metaMessageId
            ? ` Meta message id ${message.metaMessageId}`
            : entry.error
              ? ` ${entry.error.code}: ${entry.error.message}`
              : '';
        detail(`${time}  ${entry.status.padEnd(9)}${extra}${entry.note ? dim(` (${entry.note})`) : ''}`);
      }
      printed = message.history.length;
      if (message.metaMessageId && !ledgerShown) {
        ledgerShown = true;
        await showLedger(s, message.metaMessageId);
      }
      if (message.status === 'read' || message.status === 'failed') {
        console.log(
          message.status === 'read'
            ? `\n${bold('Done:')} the customer's message reached Kafka as an event, and the reply went out and was read.`
            : `\n${bold('The reply failed:')} ${message.lastError?.code}: ${message.lastError?.message}`,
        );
        return;
      }
    } else if (answer.status !== 404) {
      expectStatus(answer, [200, 404], `GET /admin/messages/${commandId}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new DemoError(
    `the reply did not reach "read" within 60 s (GET /admin/messages/${commandId} to look)`,
  );
}

async function showLedger(s: DevStack, messageId: string): Promise<void> {
  const ledger = await call(
    'GET',
    `${s.metaSimUrl}/_sim/ledger?accountId=${PHONE_NUMBER_ID}&to=${CUSTOMER.waId}&limit=50`,
  );
  const entry = (
    ledger.body as { entries?: { messageId: string; body: unknown; tokenLast4: string }[] }
  ).entries?.find((e) => e.messageId === messageId);
  if (entry) {
    detail(
      dim(
        `           meta-sim accepted POST /${s.graphVersion}/${PHONE_NUMBER_ID}/messages with token …${entry.tokenLast4}:`,
      ),
    );
    detail(dim(`           ${JSON.stringify(entry.body)}`));
  }
}
