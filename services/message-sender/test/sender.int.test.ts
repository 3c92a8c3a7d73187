import { randomUUID } from 'node:crypto';
import type { TopicNames } from '@omnistream/kafka';
import { createOutboundMessagesRepository, createSenderInstancesRepository } from '@omnistream/outbound';
import { testKafka, uniqueTopicNames, useTestDatabase } from '@omnistream/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sender } from '../src/sender.ts';
import { startSender } from '../src/sender.ts';
import {
  collect,
  command,
  commandProducer,
  logger,
  settingsFor,
  startWorld,
  stopSender,
  until,
} from './harness.ts';

type World = Awaited<ReturnType<typeof startWorld>>;

describe('message-sender (real broker, PostgreSQL and meta-sim over HTTP)', () => {
  const db = useTestDatabase();
  let world: World;
  let topics: TopicNames;
  let sender: Sender;
  let producer: Awaited<ReturnType<typeof commandProducer>>;
  let collected: Awaited<ReturnType<typeof collect>>;
  const resultOf = (commandId: string) =>
    collected.of(topics.outboundResults).filter((r) => r.commandId === commandId);
  const dlqOf = (commandId: string) =>
    collected
      .of(topics.outboundDlq)
      .filter((r) => (r.command as { commandId?: string } | null)?.commandId === commandId);

  const statusUpdatesTotal = async () => {
    const metric = await sender.registry.getSingleMetric('omnistream_sender_status_updates_total')?.get();
    return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
  };
  const retriesTotal = async () => {
    const metric = await sender.registry.getSingleMetric('omnistream_sender_retries_total')?.get();
    return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
  };

  beforeAll(async () => {
    world = await startWorld(db.pool);
    topics = await uniqueTopicNames();
    const brokers = testKafka().brokers;
    [sender, producer, collected] = await Promise.all([
      startSender({ settings: settingsFor(world.sim, brokers, topics), logger, pool: db.pool }),
      commandProducer(brokers, topics.outbound),
      collect(brokers, [topics.outboundResults, topics.outboundDlq]),
    ]);
  }, 60_000);
  afterAll(async () => {
    await stopSender(sender);
    await producer?.close();
    await collected?.close();
    await world?.sim.stop();
  });

  it('sends every message type on every channel, records it and publishes the result', async () => {
    const wa = world.integrations.whatsapp.id;
    const to = '16505550101';
    const cmds = [
      command(wa, 'whatsapp', to, { type: 'text', text: 'hello https://example.com', previewUrl: true }),
      command(wa, 'whatsapp', to, {
        type: 'media',
        mediaType: 'image',
        link: 'https://example.com/a.jpg',
        caption: 'a cat',
      }),
      command(wa, 'whatsapp', to, {
        type: 'media',
        mediaType: 'document',
        id: '1234567890',
        filename: 'invoice.pdf',
      }),
      command(wa, 'whatsapp', to, { type: 'template', name: 'order_update', language: 'en_US' }),
      command(wa, 'whatsapp', to, {
        type: 'interactive',
        interactive: { type: 'buttons', body: 'Pick one', buttons: [{ id: 'yes', title: 'Yes' }] },
      }),
      command(wa, 'whatsapp', to, {
        type: 'reaction',
        messageId: 'wamid.HBgLMTY1MDU1NTAxMDEVAgASGBQzQTdBRjc0',
        emoji: '👍',
      }),
      command(wa, 'whatsapp', to, {
        type: 'mark_read',
        messageId: 'wamid.HBgLMTY1MDU1NTAxMDEVAgASGBQzQTdBRjc0',
      }),
      command(
        world.integrations.messenger.id,
        'messenger',
        '24001234567890',
        { type: 'text', text: 'hi from the page' },
        {
          messagingType: 'RESPONSE',
          quickReplies: [{ contentType: 'text', title: 'Yes', payload: 'YES' }],
        } as never,
      ),
      command(world.integrations.messenger.id, 'messenger', '24001234567890', {
        type: 'sender_action',
        action: 'typing_on',
      }),
      command(world.integrations.instagram.id, 'instagram', '17841400000000001', {
        type: 'text',
        text: 'olá do Instagram 📸',
      }),
    ];
    await producer.send(...cmds);
    await until(() => cmds.every((c) => resultOf(c.commandId).length > 0), Boolean, 20_000);
    for (const c of cmds)
      expect(resultOf(c.commandId)[0], c.message.type).toMatchObject({
        outcome: 'sent',
        commandId: c.commandId,
      });

    const ledger = world.sim.ledger.entries();
    const waTypes = ledger
      .filter((e) => e.channel === 'whatsapp' && e.to === to)
      .map((e) => (e.body as { type: string }).type);
    expect(waTypes).toEqual(['text', 'image', 'document', 'template', 'interactive', 'reaction']);
    expect(ledger.filter((e) => e.channel === 'messenger')).toHaveLength(1);
    expect(ledger.find((e) => e.channel === 'instagram')?.body).toMatchObject({
      message: { text: 'olá do Instagram 📸' },
    });

    const outbound = createOutboundMessagesRepository({ pool: db.pool });
    const first = await outbound.get(cmds[0]?.commandId ?? '');
    expect(first).toMatchObject({ status: 'sent', attempts: 1 });
    expect(first?.metaMessageId).toMatch(/^wamid\./);
  });

  it('dead-letters an invalid command with the reason and moves on to the next', async () => {
    const good = command(world.integrations.whatsapp.id, 'whatsapp', '16505550102', {
      type: 'text',
      text: 'after the bad one',
    });
    const badId = randomUUID();
    await producer.send(
      {
        schemaVersion: 1,
        commandId: badId,
        integrationId: world.integrations.whatsapp.id,
        channel: 'whatsapp',
        to: '1',
        message: { type: 'text' },
      },
      good,
    );
    await until(() => resultOf(good.commandId).length > 0 && dlqOf(badId).length > 0, Boolean);
    expect(dlqOf(badId)[0]).toMatchObject({ reason: 'invalid', attempts: 0 });
    expect(JSON.stringify(dlqOf(badId)[0]?.errors)).toContain('message');
    expect(resultOf(good.commandId)[0]).toMatchObject({ outcome: 'sent' });
  });

  it('retries retryable errors and dead-letters non-retryable ones at once, with every attempt’s error', async () => {
    const wa = world.integrations.whatsapp.id;
    world.sim.faults.add({ match: { to: '16505550103' }, action: { type: 'error', code: 131000 }, times: 2 });
    world.sim.faults.add({ match: { to: '16505550104' }, action: { type: 'error', code: 131047 } });
    world.sim.faults.add({ match: { to: '16505550105' }, action: { type: 'error', status: 503, code: 2 } });
    const flaky = command(wa, 'whatsapp', '16505550103', { type: 'text', text: 'third time lucky' });
    const windowClosed = command(wa, 'whatsapp', '16505550104', { type: 'text', text: 'too late' });
    const down = command(wa, 'whatsapp', '16505550105', { type: 'text', text: 'meta is down' });
    const retriesBefore = await retriesTotal();
    await producer.send(flaky, windowClosed, down);
    await until(
      () => [flaky, windowClosed, down].every((c) => resultOf(c.commandId).length > 0),
      Boolean,
      20_000,
    );

    expect(resultOf(flaky.commandId)[0]).toMatchObject({ outcome: 'sent', attempts: 3 });
    expect(resultOf(windowClosed.commandId)[0]).toMatchObject({
      outcome: 'failed',
      attempts: 1,
      error: { code: 'GRAPH_131047', retryable: false },
    });
    expect(dlqOf(windowClosed.commandId)[0]).toMatchObject({ reason: 'non_retryable', attempts: 1 });
    const exhausted = dlqOf(down.commandId)[0] as {
      reason: string;
      attempts: number;
      errors: { code: string }[];
    };
    expect(exhausted).toMatchObject({ reason: 'retries_exhausted', attempts: 3 });
    expect(exhausted.errors.map((e) => e.code)).toEqual(['GRAPH_2', 'GRAPH_2', 'GRAPH_2']);
    const row = await createOutboundMessagesRepository({ pool: db.pool }).get(down.commandId);
    expect(row).toMatchObject({ status: 'failed', attempts: 3, lastError: { code: 'GRAPH_2' } });
    // omnistream_sender_retries_total counts repeated calls only: two for the flaky recipient, two for the
    // one Meta kept refusing (its third failure is the dead letter), none for the 131047.
    expect((await retriesTotal()) - retriesBefore).toBe(4);
  });

  it('keeps one recipient’s order while another recipient is throttled (131056), without blocking it', async () => {
    const wa = world.integrations.whatsapp.id;
    world.sim.faults.add({ match: { to: '16505550106' }, action: { type: 'error', code: 131056 }, times: 2 });
    const slow = [1, 2, 3].map((i) =>
      command(wa, 'whatsapp', '16505550106', { type: 'text', text: `slow ${i}` }),
    );
    const fast = [1, 2, 3, 4, 5].map((i) =>
      command(wa, 'whatsapp', '16505550107', { type: 'text', text: `fast ${i}` }),
    );
    await producer.send(slow[0], fast[0], slow[1], fast[1], slow[2], fast[2], fast[3], fast[4]);
    await until(() => [...slow, ...fast].every((c) => resultOf(c.commandId).length > 0), Boolean, 30_000);
    const texts = (to: string) =>
      world.sim.ledger.entries({ to }).map((e) => (e.body as { text: { body: string } }).text.body);
    expect(texts('16505550106')).toEqual(['slow 1', 'slow 2', 'slow 3']);
    expect(texts('16505550107')).toEqual(['fast 1', 'fast 2', 'fast 3', 'fast 4', 'fast 5']);
    const seqOf = (to: string, text: string) =>
      world.sim.ledger.entries({ to }).find((e) => (e.body as { text: { body: string } }).text.body === text)
        ?.seq ?? 0;
    // The throttled recipient's first message went out after every message of the other one.
    expect(seqOf('16505550106', 'slow 1')).toBeGreaterThan(seqOf('16505550107', 'fast 5'));
  });

  it('does not send a redelivered command twice', async () => {
    const c = command(world.integrations.whatsapp.id, 'whatsapp', '16505550108', {
      type: 'text',
      text: 'only once',
    });
    await producer.send(c);
    await until(() => resultOf(c.commandId).length > 0, Boolean);
    await producer.send(c);
    await until(() => resultOf(c.commandId).length > 1, Boolean);
    expect(world.sim.ledger.count({ to: '16505550108' })).toBe(1);
    expect(resultOf(c.commandId).map((r) => r.outcome)).toEqual(['sent', 'sent']);
  });

  it('waits for a command another live sender is sending (a rebalance) instead of sending it again; resends once that sender is dead', async () => {
    const wa = world.integrations.whatsapp.id;
    const outbound = createOutboundMessagesRepository({ pool: db.pool });
    const instances = createSenderInstancesRepository(db.pool);
    const held = command(wa, 'whatsapp', '16505550121', { type: 'text', text: 'being sent elsewhere' });
    const orphan = command(wa, 'whatsapp', '16505550122', { type: 'text', text: 'its sender died' });
    const claim = (c: typeof held, claimant: string) =>
      outbound.claimForSend({
        commandId: c.commandId,
        integrationId: c.integrationId,
        channel: c.channel,
        recipient: c.to,
        messageType: c.message.type,
        claimant,
      });
    // Another sender took both and is mid-call; the one holding `orphan` is then killed.
    await instances.renew('live-sender', 60_000);
    await instances.renew('killed-sender', 1_000);
    await claim(held, 'live-sender');
    await claim(orphan, 'killed-sender');
    await producer.send(held, orphan);

    // While the live sender holds it, nothing is sent; the killed one's lease runs out and its
    // command is sent again (SENDER_IN_DOUBT=resend, the default).
    await until(() => resultOf(orphan.commandId).length > 0, Boolean, 10_000);
    expect(resultOf(orphan.commandId)[0]).toMatchObject({ outcome: 'sent' });
    expect(world.sim.ledger.count({ to: '16505550122' })).toBe(1);
    expect(resultOf(held.commandId)).toHaveLength(0);
    expect(world.sim.ledger.count({ to: '16505550121' })).toBe(0);

    // The live sender records its outcome: this sender reports it and never calls Meta.
    await outbound.markSent(held.commandId, { metaMessageId: 'wamid.sent-by-the-other-sender', attempts: 1 });
    await until(() => resultOf(held.commandId).length > 0, Boolean, 5_000);
    expect(resultOf(held.commandId)[0]).toMatchObject({
      outcome: 'sent',
      metaMessageId: 'wamid.sent-by-the-other-sender',
    });
    expect(world.sim.ledger.count({ to: '16505550121' })).toBe(0);
    await instances.remove('live-sender');
  });

  it('uses a token rotated in the table for the next send, without a restart; 190 waits for a new token', async () => {
    const wa = world.integrations.whatsapp.id;
    const newToken = world.sim.accounts.rotateToken(world.tokens.whatsapp, `EAAGrotated${Date.now()}9876`);
    await world.repo.rotateToken(wa, { token: newToken });
    // The sender's token provider has loaded the rotated token (its poll, no fixed wait).
    await until(
      () => sender.tokenProvider.byIntegrationId(wa)?.token,
      (token) => token === newToken,
    );
    const c = command(wa, 'whatsapp', '16505550109', { type: 'text', text: 'with the new token' });
    await producer.send(c);
    await until(() => resultOf(c.commandId).length > 0, Boolean);
    expect(resultOf(c.commandId)[0]).toMatchObject({ outcome: 'sent' });
    expect(world.sim.ledger.entries({ to: '16505550109' })[0]?.tokenLast4).toBe(newToken.slice(-4));

    // Meta now refuses the token: the integration is flagged, the command waits for a new token.
    world.sim.accounts.revokeToken(newToken, 'expired');
    const waiting = command(wa, 'whatsapp', '16505550110', { type: 'text', text: 'after re-auth' });
    await producer.send(waiting);
    await until(async () => (await world.repo.get(wa))?.needsReauth, Boolean);
    expect((await world.repo.get(wa))?.needsReauth).toBe(true);
    expect(resultOf(waiting.commandId)).toHaveLength(0);
    const fresh = `EAAGfresh${Date.now()}5555`;
    world.sim.accounts.addToken({ token: fresh, accounts: [world.ids.phone, world.ids.waba] });
    await world.repo.rotateToken(wa, { token: fresh });
    await until(() => resultOf(waiting.commandId).length > 0, Boolean);
    expect(resultOf(waiting.commandId)[0]).toMatchObject({ outcome: 'sent' });
    expect((await world.repo.get(wa))?.needsReauth).toBe(false);
  });

  it('moves delivery statuses forward only from inbound status events', async () => {
    const c = command(world.integrations.whatsapp.id, 'whatsapp', '16505550111', {
      type: 'text',
      text: 'track me',
    });
    await producer.send(c);
    await until(() => resultOf(c.commandId).length > 0, Boolean);
    const wamid = String(resultOf(c.commandId)[0]?.metaMessageId);
    const status = (s: string, second: number) => ({
      schemaVersion: 1,
      eventId: randomUUID().replaceAll('-', ''),
      kind: 'status',
      channel: 'whatsapp',
      account: { id: world.ids.phone },
      integrationId: world.integrations.whatsapp.id,
      contact: { id: '16505550111' },
      occurredAt: new Date(Date.UTC(2026, 10, 21, 12, 0, second)).toISOString(),
      receivedAt: new Date().toISOString(),
      payload: { messageId: wamid, status: s, recipientId: '16505550111' },
      raw: null,
    });
    const inbound = await commandProducer(testKafka().brokers, topics.inbound);
    const handledBefore = await statusUpdatesTotal();
    // Meta's order is not guaranteed: read arrives first, then a late delivered.
    await inbound.send(status('read', 3), status('delivered', 2));
    await inbound.close();
    const outbound = createOutboundMessagesRepository({ pool: db.pool });
    const row = await until(
      () => outbound.get(c.commandId),
      (r) => r?.status === 'read',
      20_000,
    );
    // Both status events handled (the late one too), whatever their outcome.
    await until(statusUpdatesTotal, (n) => n >= handledBefore + 2);
    const after = await outbound.get(c.commandId);
    expect(after?.status).toBe('read');
    expect(after?.deliveredAt).toBeNull();
    expect(row?.history.map((h) => h.status)).toEqual(['queued', 'sending', 'sent', 'read']);
  });

  it('dead-letters the commands of an integration whose refused token is not replaced in time', async () => {
    const page = world.integrations.messenger.id;
    world.sim.accounts.revokeToken(world.tokens.page, 'invalidated');
    const c = command(
      page,
      'messenger',
      '24001234567891',
      { type: 'text', text: 'nobody re-authenticates' },
      { messagingType: 'RESPONSE' } as never,
    );
    await producer.send(c);
    // The DLQ record and the result are on two topics: either may be read first.
    await until(() => dlqOf(c.commandId).length > 0 && resultOf(c.commandId).length > 0, Boolean, 15_000);
    expect(dlqOf(c.commandId)[0]).toMatchObject({ reason: 'needs_reauth_timeout' });
    expect(resultOf(c.commandId)[0]).toMatchObject({ outcome: 'failed', error: { code: 'GRAPH_190' } });
    expect((await world.repo.get(page))?.needsReauth).toBe(true);
  });
});
