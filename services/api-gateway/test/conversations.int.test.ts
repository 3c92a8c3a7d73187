import { randomUUID } from 'node:crypto';
import {
  type EchoPayload,
  eventId,
  type InboundEventOf,
  inboundKey,
  type MessagePayload,
  mediaFetchPath,
  parseInboundEvent,
} from '@omnistream/events';
import { createLogger } from '@omnistream/logger';
import { createRetention } from '@omnistream/retention';
import { useTestDatabase } from '@omnistream/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationCursor } from '../src/features/conversations/conversations-cursor.ts';
import { digits, type GatewayWorld, startGatewayWorld, until, whatsAppIntegration } from './harness.ts';

type Logged = InboundEventOf<'message'> | InboundEventOf<'echo'>;

describe('conversations: the message log and its admin lists (real PostgreSQL, broker)', () => {
  const db = useTestDatabase();
  let world: GatewayWorld;
  let integrationId: string;
  let phoneNumberId: string;
  const alice = `1650${digits(7)}`;
  const bob = `1415${digits(7)}`;
  /** The expected messages of alice's conversation, newest first: [id, direction]. */
  const aliceMessages: [string, 'in' | 'out'][] = [];
  const ids: Record<string, string> = {};

  /** A `message` or `echo` event as the webhook ingestor publishes it (key, headers). */
  function event(
    kind: 'message' | 'echo',
    contactId: string,
    payload: MessagePayload | EchoPayload,
    occurredAt: Date,
    integration: string | null = integrationId,
  ): Logged {
    const e = {
      schemaVersion: 1,
      eventId: eventId({ channel: 'whatsapp', kind, metaId: payload.messageId }),
      kind,
      channel: 'whatsapp',
      account: { id: phoneNumberId },
      integrationId: integration,
      contact: { id: contactId },
      occurredAt: occurredAt.toISOString(),
      receivedAt: new Date().toISOString(),
      payload,
      raw: { from: contactId, id: payload.messageId },
    } as Logged;
    expect(parseInboundEvent(e).success).toBe(true);
    return e;
  }
  const publish = (e: Logged) =>
    world.gateway.producer.send(world.topics.inbound, [
      {
        key: inboundKey(e),
        value: JSON.stringify(e),
        headers: { 'event-id': e.eventId, 'event-kind': e.kind, 'schema-version': '1' },
      },
    ]);
  const text = (body: string): MessagePayload => ({
    type: 'text',
    messageId: `wamid.${randomUUID()}`,
    text: body,
  });
  const secondsAgo = (s: number) => new Date(Date.now() - s * 1000);

  const conversations = (query = '') =>
    world.call('GET', `/admin/integrations/${integrationId}/conversations${query}`);
  const messagesOf = (contactId: string, query = '') =>
    world.call(
      'GET',
      `/admin/integrations/${integrationId}/conversations/${encodeURIComponent(contactId)}/messages${query}`,
    );
  async function send(to: string, body: string): Promise<{ commandId: string; createdAt: string }> {
    const res = await world.call('POST', '/admin/messages', {
      integrationId,
      to,
      message: { type: 'text', text: body },
    });
    expect(res.status, res.text).toBe(202);
    const status = await world.call('GET', `/admin/messages/${res.body.commandId}`);
    return { commandId: res.body.commandId, createdAt: status.body.createdAt };
  }
  /** Every page of a list with this limit, in order. */
  async function allPages(list: (query: string) => ReturnType<GatewayWorld['call']>, limit: number) {
    const items = [];
    let cursor: string | null = null;
    do {
      const res = await list(`?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status, res.text).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(limit);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  }

  beforeAll(async () => {
    world = await startGatewayWorld(db.pool);
    ({
      integration: { id: integrationId },
      phoneNumberId,
    } = await whatsAppIntegration(world));

    // A message no integration matched: skipped, not logged.
    const orphan = event('message', alice, text('no integration'), secondsAgo(70), null);
    await publish(orphan);
    // Two messages of the same second (Meta's timestamps are in seconds), one redelivered twice.
    const sameTime = secondsAgo(60);
    const first = event('message', alice, text('hello, is the shop open?'), sameTime);
    const twin = event('message', alice, text('and on Sunday?'), sameTime);
    for (const e of [first, twin, first, first]) await publish(e);
    const [older, newer] = [first.eventId, twin.eventId].sort();
    // A reply typed in the WhatsApp Business app, echoed (coexistence).
    const echo = event('echo', alice, text('yes, 9 to 5'), secondsAgo(50));
    await publish(echo);
    const picture = event(
      'message',
      bob,
      {
        type: 'image',
        messageId: `wamid.${randomUUID()}`,
        media: {
          id: '8812345',
          caption: `look ${'x'.repeat(600)}`,
          fetchPath: mediaFetchPath(integrationId, '8812345'),
        },
      },
      secondsAgo(55),
    );
    await publish(picture);

    const firstSend = await send(alice, 'we are open until 5');
    // After the first send: the answers interleave with the sends.
    const reply = event('message', alice, text('thanks!'), new Date(Date.parse(firstSend.createdAt) + 5));
    await publish(reply);
    // The second send is queued after the reply happened (the database and this process share a clock).
    await until(
      () => Date.now(),
      (now) => now > Date.parse(reply.occurredAt) + 1,
    );
    const secondSend = await send(alice, 'you are welcome');

    Object.assign(ids, {
      orphan: orphan.eventId,
      first: first.eventId,
      twin: twin.eventId,
      picture: picture.eventId,
    });
    aliceMessages.push(
      [secondSend.commandId, 'out'],
      [reply.eventId, 'in'],
      [firstSend.commandId, 'out'],
      [echo.eventId, 'out'],
      [newer as string, 'in'],
      [older as string, 'in'],
    );
    // One partition per conversation: once the last event of each is in, the ones before it are too.
    await until(
      async () => (await messagesOf(alice)).body.items?.length,
      (n) => n === aliceMessages.length,
      30_000,
    );
    await until(
      async () => (await messagesOf(bob)).body.items?.length,
      (n) => n === 1,
      30_000,
    );
  }, 90_000);
  afterAll(() => world?.stop());

  it('lists conversations newest first with their last message and counts of both directions', async () => {
    const res = await conversations();
    expect(res.status, res.text).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.items).toEqual([
      {
        contactId: alice,
        lastMessageAt: expect.any(String),
        lastDirection: 'out',
        // A send shows its text (outbound_messages.preview, migration 014).
        lastPreview: 'you are welcome',
        inboundCount: 3,
        outboundCount: 3,
      },
      {
        contactId: bob,
        lastMessageAt: expect.any(String),
        lastDirection: 'in',
        lastPreview: `look ${'x'.repeat(495)}`,
        inboundCount: 1,
        outboundCount: 0,
      },
    ]);
    expect(Date.parse(res.body.items[0].lastMessageAt)).toBeGreaterThan(
      Date.parse(res.body.items[1].lastMessageAt),
    );
    expect(await allPages(conversations, 1)).toEqual(res.body.items);
  });

  it('shows a conversation newest first, received messages and sends interleaved, each once', async () => {
    const res = await messagesOf(alice);
    expect(res.status, res.text).toBe(200);
    const items = res.body.items;
    expect(items.map((m: { id: string; direction: string }) => [m.id, m.direction])).toEqual(aliceMessages);
    const times = items.map((m: { at: string }) => Date.parse(m.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(items[0]).toEqual({
      id: aliceMessages[0]?.[0],
      direction: 'out',
      at: expect.any(String),
      type: 'text',
      preview: 'you are welcome',
      metaMessageId: null,
      status: 'queued',
    });
    expect(items[1]).toMatchObject({ direction: 'in', type: 'text', preview: 'thanks!' });
    expect(items[3]).toMatchObject({ direction: 'out', preview: 'yes, 9 to 5' });
    expect(items[3]).not.toHaveProperty('status');

    const [photo] = (await messagesOf(bob)).body.items;
    expect(photo).toMatchObject({
      id: ids.picture,
      type: 'image',
      media: { fetchPath: mediaFetchPath(integrationId, '8812345') },
    });
    expect(Array.from(photo.preview as string)).toHaveLength(500);

    // The redelivered event is one row; the event without an integration none.
    const { rows } = await db.pool.query<{ event_id: string }>('SELECT event_id FROM message_log');
    expect(rows.filter((r) => r.event_id === ids.first)).toHaveLength(1);
    expect(rows.map((r) => r.event_id)).not.toContain(ids.orphan);
    expect(world.logs.some((l) => l.includes('message without an integration; not logged'))).toBe(true);
  });

  it('pages across both sources without gaps or repeats, ties of one second included', async () => {
    for (const limit of [1, 2, 5]) {
      const pages = await allPages((q) => messagesOf(alice, q), limit);
      expect(pages.map((m) => m.id)).toEqual(aliceMessages.map(([id]) => id));
    }
  });

  it('answers 404 for an unknown integration and 400 for a bad cursor or contact id', async () => {
    const unknown = randomUUID();
    expect((await world.call('GET', `/admin/integrations/${unknown}/conversations`)).status).toBe(404);
    expect(
      (await world.call('GET', `/admin/integrations/${unknown}/conversations/${alice}/messages`)).status,
    ).toBe(404);
    expect((await world.call('GET', '/admin/integrations/not-a-uuid/conversations')).status).toBe(400);
    for (const query of ['?cursor=garbage', '?limit=0', '?limit=500']) {
      expect((await conversations(query)).status, query).toBe(400);
      expect((await messagesOf(alice, query)).status, query).toBe(400);
    }
    // A cursor of the other list, or one with a time that is not a cursor time.
    const otherList = conversationCursor.encode({ at: '2026-01-01T00:00:00.000000Z', contactId: alice });
    expect((await messagesOf(alice, `?cursor=${otherList}`)).status).toBe(400);
    const badTime = Buffer.from(JSON.stringify(['yesterday', alice])).toString('base64url');
    const bad = await conversations(`?cursor=${badTime}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['querystring.cursor']);
    for (const contactId of ['with space', 'x'.repeat(129), 'tab\there']) {
      expect((await messagesOf(contactId)).status, contactId).toBe(400);
    }
    expect((await messagesOf('x'.repeat(128))).body).toEqual({ items: [], nextCursor: null });
  });

  it('purges received messages older than MESSAGE_LOG_RETENTION_DAYS; sends are not its business', async () => {
    await db.pool.query(
      `UPDATE message_log SET occurred_at = now() - interval '31 days' WHERE event_id = $1`,
      [ids.first],
    );
    await db.pool.query(
      `UPDATE message_log SET occurred_at = now() - interval '29 days' WHERE event_id = $1`,
      [ids.twin],
    );
    const pass = await createRetention({
      pool: db.pool,
      logger: createLogger({ name: 'retention-test', level: 'silent' }),
      settings: {
        outboundDays: 30,
        deadLettersDays: 30,
        deadLettersUnreplayedDays: 0,
        quarantineDays: 30,
        messageLogDays: 30,
        intervalMs: 3_600_000,
        batchSize: 5_000,
      },
    }).runOnce();
    expect(pass.deleted.message_log).toBe(1);
    const after = (await messagesOf(alice)).body.items.map((m: { id: string }) => m.id);
    expect(after).not.toContain(ids.first);
    expect(after).toContain(ids.twin);
    expect(after).toHaveLength(aliceMessages.length - 1);
    const [conversation] = (await conversations()).body.items;
    expect(conversation).toMatchObject({ contactId: alice, inboundCount: 2, outboundCount: 3 });
  });

  it("shows the echo of the gateway's own send once, as the send with its status", async () => {
    const [sendId] = aliceMessages[0] ?? [];
    const wamid = `wamid.${randomUUID()}`;
    // As the sender records a send Meta accepted.
    await db.pool.query(
      `UPDATE outbound_messages SET status = 'sent', meta_message_id = $2 WHERE command_id = $1`,
      [sendId, wamid],
    );
    await publish(
      event('echo', alice, { type: 'text', messageId: wamid, text: 'you are welcome' }, new Date()),
    );
    const last = event('message', alice, text('see you'), new Date(Date.now() + 1_000));
    await publish(last);
    const items = await until(
      async () => (await messagesOf(alice)).body.items as { id: string; status?: string }[],
      (list) => list[0]?.id === last.eventId,
      30_000,
    );
    expect(items.map((m) => m.id)).toEqual([
      last.eventId,
      ...aliceMessages.map(([id]) => id).filter((id) => id !== ids.first),
    ]);
    expect(items[1]).toMatchObject({ id: sendId, direction: 'out', status: 'sent', metaMessageId: wamid });
    const [conversation] = (await conversations()).body.items;
    expect(conversation).toMatchObject({
      contactId: alice,
      inboundCount: 3,
      outboundCount: 3,
      lastPreview: 'see you',
    });
  });
});
