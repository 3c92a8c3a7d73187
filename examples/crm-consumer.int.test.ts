import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { testKafka, uniqueGroupId, useTestDatabase } from '@omnistream/testing';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventId,
  type InboundEvent,
  type InboundEventOf,
  InboundEventSchema,
  inboundKey,
  mediaFetchPath,
} from '../packages/events/src/index.ts';
import { createLogger } from '../packages/logger/src/index.ts';
import {
  encryptionKeys,
  type GatewayWorld,
  startGatewayWorld,
  until,
  whatsAppIntegration,
} from '../services/api-gateway/test/harness.ts';
import {
  type Sender,
  settingsFor,
  startSender,
  stopSender,
} from '../services/message-sender/test/harness.ts';

/**
 * examples/crm-consumer.ts run as docs/events.md tells people to run it (`node examples/…`), against
 * a real broker, the api-gateway on a real port, the message-sender and meta-sim in Meta's place.
 */
describe('examples/crm-consumer.ts against the gateway', () => {
  const db = useTestDatabase();
  let world: GatewayWorld;
  let sender: Sender;
  let gatewayUrl: string;
  let wa: Awaited<ReturnType<typeof whatsAppIntegration>>;
  const producerKafka = () =>
    new Kafka({ brokers: testKafka().brokers, clientId: 'crm-example-test', logLevel: logLevel.NOTHING });
  const customer = `1650555${Math.floor(1000 + Math.random() * 8999)}`;
  const running: ChildProcess[] = [];

  beforeAll(async () => {
    world = await startGatewayWorld(db.pool);
    world.sim.setLimits({ whatsappPerSecond: Infinity, whatsappPairIntervalMs: 1, whatsappPairBurst: 1_000 });
    gatewayUrl = await world.gateway.app.listen({ port: 0, host: '127.0.0.1' });
    wa = await whatsAppIntegration(world);
    sender = await startSender({
      logger: createLogger({ name: 'message-sender', level: 'silent' }),
      pool: db.pool,
      settings: settingsFor(world.sim, testKafka().brokers, world.topics, { encryptionKeys }),
    });
  }, 90_000);
  afterAll(async () => {
    for (const child of running) child.kill('SIGKILL');
    await stopSender(sender);
    await world?.stop();
  });

  /** A customer text as the ingestor publishes it: schema-checked, keyed and with its headers. */
  function textEvent(text: string): InboundEventOf<'message'> {
    const wamid = `wamid.${randomBytes(24).toString('base64url')}`;
    const now = new Date().toISOString();
    return InboundEventSchema.parse({
      schemaVersion: 1,
      eventId: eventId({ channel: 'whatsapp', kind: 'message', metaId: wamid }),
      kind: 'message',
      channel: 'whatsapp',
      account: { id: wa.phoneNumberId, wabaId: wa.wabaId },
      integrationId: wa.integration.id,
      contact: { id: customer, name: 'Sheena' },
      occurredAt: now,
      receivedAt: now,
      payload: { messageId: wamid, type: 'text', text },
      raw: { from: customer, id: wamid, type: 'text', text: { body: text } },
    }) as InboundEventOf<'message'>;
  }

  async function publish(events: InboundEvent[]): Promise<void> {
    const producer = producerKafka().producer();
    await producer.connect();
    await producer.send({
      topic: world.topics.inbound,
      acks: -1,
      messages: events.map((event) => ({
        key: inboundKey(event),
        value: JSON.stringify(event),
        headers: { 'event-id': event.eventId, 'event-kind': event.kind, 'schema-version': '1' },
      })),
    });
    await producer.disconnect();
  }

  /** A customer picture as the ingestor publishes it: Meta's media id and sha256, and the gateway path. */
  function imageEvent(media: { id: string; sha256: string }): InboundEventOf<'message'> {
    const wamid = `wamid.${randomBytes(24).toString('base64url')}`;
    const now = new Date().toISOString();
    const image = { id: media.id, mime_type: 'image/jpeg', sha256: media.sha256 };
    return InboundEventSchema.parse({
      schemaVersion: 1,
      eventId: eventId({ channel: 'whatsapp', kind: 'message', metaId: wamid }),
      kind: 'message',
      channel: 'whatsapp',
      account: { id: wa.phoneNumberId, wabaId: wa.wabaId },
      integrationId: wa.integration.id,
      contact: { id: customer, name: 'Sheena' },
      occurredAt: now,
      receivedAt: now,
      payload: {
        messageId: wamid,
        type: 'image',
        media: {
          id: media.id,
          fetchPath: mediaFetchPath(wa.integration.id, media.id),
          mimeType: 'image/jpeg',
          sha256: media.sha256,
        },
      },
      raw: { from: customer, id: wamid, type: 'image', image },
    }) as InboundEventOf<'message'>;
  }

  /** Starts the example as a user would, and collects its JSON lines (and everything it printed). */
  function startExample(
    groupId: string,
    env: Record<string, string> = {},
  ): { lines: Record<string, unknown>[]; output: string[]; child: ChildProcess } {
    const child = spawn(process.execPath, ['examples/crm-consumer.ts'], {
      cwd: new URL('..', import.meta.url),
      env: {
        PATH: process.env.PATH,
        KAFKA_BROKERS: testKafka().brokers.join(','),
        KAFKA_TOPIC_INBOUND: world.topics.inbound,
        CRM_GROUP_ID: groupId,
        CRM_FROM_BEGINNING: 'true',
        GATEWAY_URL: gatewayUrl,
        ADMIN_API_KEY: world.adminKey,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.push(child);
    const lines: Record<string, unknown>[] = [];
    const output: string[] = [];
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      lines.push(JSON.parse(line));
    });
    child.stderr!.on('data', (d: Buffer) => {
      output.push(String(d));
      process.stderr.write(d);
    });
    return { lines, output, child };
  }

  const sendsToCustomer = () => world.sim.ledger.entries({ to: customer });

  it('answers each customer text once, skips the redelivered copy and other kinds, and a restart sends nothing twice', async () => {
    const first = textEvent('Does it come in blue?');
    const second = textEvent('And in green?');
    const reaction = InboundEventSchema.parse({
      ...first,
      eventId: eventId({
        channel: 'whatsapp',
        kind: 'reaction',
        metaId: first.payload.messageId,
        discriminator: 'react',
      }),
      kind: 'reaction',
      payload: { messageId: first.payload.messageId, emoji: '👍', action: 'react' },
    });
    // Meta's redelivery of `first` comes as the same event id; all share the key, so one partition
    // and this order: once `second` is answered, everything before it was handled.
    await publish([first, first, reaction, second]);

    const run1 = startExample(uniqueGroupId('crm-example'));
    await until(
      () => run1.lines,
      (lines) => lines.some((l) => l.msg === 'replied' && l.eventId === second.eventId),
      30_000,
    );
    expect(run1.lines.filter((l) => l.msg !== 'consuming')).toEqual([
      { msg: 'replied', eventId: first.eventId, commandId: `crm-reply-${first.eventId}`, replayed: false },
      { msg: 'duplicate skipped', eventId: first.eventId },
      { msg: 'skipped', eventId: reaction.eventId, kind: 'reaction', why: 'not a text message' },
      { msg: 'replied', eventId: second.eventId, commandId: `crm-reply-${second.eventId}`, replayed: false },
    ]);

    // The replies reached "Meta", quoting the customer's messages, one each.
    const sends = await until(sendsToCustomer, (entries) => entries.length >= 2);
    expect(sends.map((s) => s.body)).toEqual([
      expect.objectContaining({
        context: { message_id: first.payload.messageId },
        text: expect.objectContaining({ body: 'Thanks, Sheena! We got: "Does it come in blue?"' }),
      }),
      expect.objectContaining({
        context: { message_id: second.payload.messageId },
        text: expect.objectContaining({ body: 'Thanks, Sheena! We got: "And in green?"' }),
      }),
    ]);

    run1.child.kill('SIGTERM');
    const [code] = await once(run1.child, 'exit');
    expect(code).toBe(0);

    // A new process (empty memory) reading everything again: the gateway recognises each reply's
    // commandId and Idempotency-Key, so it answers again and queues nothing.
    const run2 = startExample(uniqueGroupId('crm-example-again'));
    await until(
      () => run2.lines,
      (lines) => lines.some((l) => l.msg === 'replied' && l.eventId === second.eventId),
      30_000,
    );
    expect(run2.lines.filter((l) => l.msg === 'replied').map((l) => [l.eventId, l.replayed])).toEqual([
      [first.eventId, true],
      [second.eventId, true],
    ]);
    expect(sendsToCustomer()).toHaveLength(2);
    run2.child.kill('SIGTERM');
    await once(run2.child, 'exit');
  }, 120_000);

  it("saves the picture of a customer's WhatsApp message through the gateway, byte for byte; an unknown media id is reported", async () => {
    // The customer's picture, held by "Meta" for the integration's number.
    const data = randomBytes(150_000);
    const picture = world.sim.media.add({ mimeType: 'image/jpeg', data, phoneNumberId: wa.phoneNumberId });
    const sha256 = createHash('sha256').update(data).digest('hex');
    expect(picture.sha256).toBe(sha256);
    const withPicture = imageEvent(picture);
    // An id Meta does not know (deleted after 30 days, say): the gateway answers 404.
    const unknown = imageEvent({ id: '9876543210987654', sha256 });
    await publish([withPicture, unknown]);

    const mediaDir = mkdtempSync(join(tmpdir(), 'crm-media-test-'));
    const run = startExample(uniqueGroupId('crm-example-media'), { CRM_MEDIA_DIR: mediaDir });
    await until(
      () => run.lines,
      (lines) => lines.some((l) => l.msg === 'skipped' && l.eventId === unknown.eventId),
      30_000,
    );
    const about = (eventId: string) => run.lines.filter((l) => l.eventId === eventId);
    const saved = about(withPicture.eventId).find((l) => l.msg === 'media saved');
    expect(saved, JSON.stringify(run.lines)).toEqual({
      msg: 'media saved',
      eventId: withPicture.eventId,
      path: expect.any(String),
      bytes: data.length,
      sha256,
    });
    const path = saved?.path as string;
    expect(dirname(path)).toBe(mediaDir);
    expect(readFileSync(path).equals(data)).toBe(true);
    expect(about(unknown.eventId)).toEqual([
      {
        msg: 'media failed',
        eventId: unknown.eventId,
        status: 404,
        code: 'GW_NOT_FOUND',
        detail: expect.any(String),
      },
      { msg: 'skipped', eventId: unknown.eventId, kind: 'message', why: 'not a text message' },
    ]);
    expect(run.output.join('\n')).not.toContain(wa.token);

    run.child.kill('SIGTERM');
    await once(run.child, 'exit');
  }, 60_000);
});
