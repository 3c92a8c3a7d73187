import { randomUUID } from 'node:crypto';
import { until, useTestDatabase } from '@omnistream/testing';
import { describe, expect, it } from 'vitest';
import { createOutboundMessagesRepository, createSenderInstancesRepository, SENT_OR_LATER } from './index.ts';

describe('outbound_messages repository (real PostgreSQL)', () => {
  const db = useTestDatabase();
  const repo = () => createOutboundMessagesRepository({ pool: db.pool });
  const command = () => ({
    commandId: randomUUID(),
    integrationId: randomUUID(),
    channel: 'whatsapp' as const,
    recipient: '16505551234',
    messageType: 'text',
  });

  it('claims a command once: a redelivered command finds the existing row and its status', async () => {
    const c = command();
    const first = await repo().claimForSend(c);
    // Queued and taken for sending in one statement.
    expect(first.created).toBe(true);
    expect(first.message.status).toBe('sending');
    expect(first.message.attempts).toBe(0);
    expect(first.message.history.map((h) => h.status)).toEqual(['queued', 'sending']);
    await repo().markSent(c.commandId, { metaMessageId: `wamid.${c.commandId}`, attempts: 1 });
    const again = await repo().claimForSend(c);
    expect(again.created).toBe(false);
    expect(again.message.status).toBe('sent');
    expect(SENT_OR_LATER.has(again.message.status)).toBe(true);
    expect(again.message.history.map((h) => h.status)).toEqual(['queued', 'sending', 'sent']);
    expect(again.message.attempts).toBe(1);
  });

  it('coalesces concurrent claims and sent marks, each call getting its own row', async () => {
    const r = repo();
    const commands = Array.from({ length: 40 }, () => command());
    // Half of them known already: those come back as they are, not created again.
    await Promise.all(commands.slice(0, 20).map((c) => r.claimForSend(c)));
    const claimed = await Promise.all(commands.map((c) => r.claimForSend(c)));
    expect(claimed.map((x) => x.created)).toEqual(commands.map((_, i) => i >= 20));
    expect(claimed.map((x) => x.message.commandId)).toEqual(commands.map((c) => c.commandId));
    await Promise.all(
      commands.map((c, i) =>
        r.markSent(c.commandId, { metaMessageId: `wamid.${c.commandId}`, attempts: i + 1 }),
      ),
    );
    const rows = await Promise.all(commands.map((c) => r.get(c.commandId)));
    expect(rows.map((row) => [row?.status, row?.metaMessageId, row?.attempts])).toEqual(
      commands.map((c, i) => ['sent', `wamid.${c.commandId}`, i + 1]),
    );
  });

  it('a row that fails fails only its own call, not the others sharing its statement', async () => {
    const r = repo();
    const holder = command();
    await r.claimForSend(holder);
    await r.markSent(holder.commandId, { metaMessageId: 'wamid.taken', attempts: 1 });
    const commands = Array.from({ length: 10 }, () => command());
    await Promise.all(commands.map((c) => r.claimForSend(c)));
    // The first calls leave at once (two statements in flight); the rest share a statement, and
    // one of them brings a Meta message id another row holds (a unique violation).
    const outcomes = await Promise.allSettled(
      commands.map((c, i) =>
        r.markSent(c.commandId, {
          metaMessageId: i === 7 ? 'wamid.taken' : `wamid.${c.commandId}`,
          attempts: 1,
        }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual(
      commands.map((_, i) => (i === 7 ? 'rejected' : 'fulfilled')),
    );
    const rows = await Promise.all(commands.map((c) => r.get(c.commandId)));
    expect(rows.map((row) => row?.status)).toEqual(commands.map((_, i) => (i === 7 ? 'sending' : 'sent')));
  });

  it('a voice message goes read → played; a late read after played is stale, and played is never sent again', async () => {
    const c = command();
    const wamid = `wamid.${c.commandId}`;
    await repo().claimForSend(c);
    await repo().markSent(c.commandId, { metaMessageId: wamid, attempts: 1 });
    const at = (s: number) => new Date(Date.UTC(2026, 11, 4, 9, 0, s)).toISOString();
    expect(await repo().applyStatus({ metaMessageId: wamid, status: 'delivered', at: at(1) })).toBe(
      'applied',
    );
    expect(await repo().applyStatus({ metaMessageId: wamid, status: 'played', at: at(3) })).toBe('applied');
    expect(await repo().applyStatus({ metaMessageId: wamid, status: 'read', at: at(2) })).toBe('stale');
    const row = await repo().get(c.commandId);
    expect(row?.status).toBe('played');
    expect(row?.playedAt?.toISOString()).toBe(at(3));
    expect(row?.history.map((h) => h.status)).toEqual(['queued', 'sending', 'sent', 'delivered', 'played']);
    // A redelivered command for a played message is not sent again.
    const again = await repo().claimForSend(c);
    expect(SENT_OR_LATER.has(again.message.status)).toBe(true);
    // failed stays terminal above played.
    expect(await repo().applyStatus({ metaMessageId: wamid, status: 'failed', at: at(4) })).toBe('applied');
  });

  it('moves statuses forward only: late or out-of-order webhooks never move a status back', async () => {
    const c = command();
    const wamid = `wamid.${c.commandId}`;
    await repo().claimForSend(c);
    await repo().markSending(c.commandId, 1);
    await repo().markSent(c.commandId, { metaMessageId: wamid, attempts: 1 });
    const at = (s: number) => new Date(Date.UTC(2026, 10, 21, 12, 0, s)).toISOString();

    expect(await repo().applyStatus({ metaMessageId: wamid, status: 'read', at: at(3) })).toBe('applied');
    expect(await repo().applyStatus({ metaMessageId: wamid, status: 'delivered', at: at(2) })).toBe('stale');
    expect(await repo().applyStatus({ metaMessageId: wamid, status: 'sent', at: at(1) })).toBe('stale');
    expect(await repo().applyStatus({ metaMessageId: wamid, status: 'read', at: at(4) })).toBe('stale');
    const row = await repo().get(c.commandId);
    expect(row?.status).toBe('read');
    expect(row?.readAt?.toISOString()).toBe(at(3));
    expect(row?.deliveredAt).toBeNull();
    // Regression: status-webhook entries were written in PostgreSQL's text format, not ISO 8601.
    expect(row?.history.at(-1)).toEqual({ status: 'read', at: at(3) });
    for (const h of row?.history ?? []) expect(h.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await repo().applyStatus({ metaMessageId: 'wamid.someone-else', status: 'read', at: at(5) })).toBe(
      'unknown',
    );
  });

  it('keeps failed terminal, with the error in the history', async () => {
    const c = command();
    const wamid = `wamid.${c.commandId}`;
    await repo().claimForSend(c);
    await repo().markSent(c.commandId, { metaMessageId: wamid, attempts: 2 });
    const error = {
      code: 'GRAPH_131026',
      message: 'Message undeliverable',
      retryable: false,
      metaCode: 131026,
    };
    expect(
      await repo().applyStatus({
        metaMessageId: wamid,
        status: 'failed',
        at: new Date().toISOString(),
        error,
      }),
    ).toBe('applied');
    expect(
      await repo().applyStatus({ metaMessageId: wamid, status: 'read', at: new Date().toISOString() }),
    ).toBe('stale');
    await repo().markSending(c.commandId, 3);
    const row = await repo().get(c.commandId);
    expect(row).toMatchObject({ status: 'failed', attempts: 2, lastError: error });
    expect(row?.history.at(-1)).toMatchObject({ status: 'failed', error });
  });

  it('records a failed send with its error and attempts', async () => {
    const c = command();
    await repo().claimForSend(c);
    await repo().markSending(c.commandId, 1);
    const error = {
      code: 'GRAPH_131047',
      message: 'Re-engagement message',
      retryable: false,
      metaCode: 131047,
    };
    await repo().markFailed(c.commandId, { error, attempts: 1 });
    expect(await repo().get(c.commandId)).toMatchObject({ status: 'failed', attempts: 1, lastError: error });
    expect(await repo().get('no-such-command')).toBeNull();
  });

  it('requeues for a replay only a send that failed before Meta accepted it', async () => {
    const error = { code: 'GRAPH_131047', message: 'Re-engagement message', retryable: false };
    const failed = command();
    await repo().claimForSend(failed);
    await repo().markSending(failed.commandId, 1);
    await repo().markFailed(failed.commandId, { error, attempts: 1 });
    const requeued = await repo().requeueFailed(failed.commandId, { note: 'replayed' });
    expect(requeued.requeued).toBe(true);
    expect(requeued.message).toMatchObject({ status: 'queued', attempts: 1, failedAt: null });
    expect(requeued.message?.history.map((h) => h.status)).toEqual(['queued', 'sending', 'failed', 'queued']);
    expect(requeued.message?.history.at(-1)?.note).toBe('replayed');
    // The sender then finds it queued and may send it again.
    expect((await repo().claimForSend(failed)).message.status).toBe('queued');

    // Accepted by Meta, then reported failed (a delivery failure): never sent again.
    const delivered = command();
    await repo().claimForSend(delivered);
    await repo().markSent(delivered.commandId, {
      metaMessageId: `wamid.${delivered.commandId}`,
      attempts: 1,
    });
    await repo().applyStatus({
      metaMessageId: `wamid.${delivered.commandId}`,
      status: 'failed',
      at: new Date().toISOString(),
      error,
    });
    const kept = await repo().requeueFailed(delivered.commandId, { note: 'replayed' });
    expect(kept).toMatchObject({ requeued: false, message: { status: 'failed' } });
    expect(await repo().requeueFailed('no-such-command', { note: 'replayed' })).toEqual({
      requeued: false,
      message: null,
    });
  });

  it('tells a row held by a live sender from one its dead sender left in sending', async () => {
    const instances = createSenderInstancesRepository(db.pool);
    const [alive, killed, stopped] = ['alive', 'killed', 'stopped'].map((n) => `${n}-${randomUUID()}`);
    await instances.renew(alive as string, 60_000);
    await instances.renew(killed as string, 1_000);
    await instances.renew(stopped as string, 60_000);
    const [a, k, s] = [command(), command(), command()];
    await repo().claimForSend({ ...a, claimant: alive });
    await repo().claimForSend({ ...k, claimant: killed });
    await repo().claimForSend({ ...s, claimant: stopped });
    await instances.remove(stopped as string);

    const held = await repo().claimForSend({ ...a, claimant: 'another' });
    expect(held).toMatchObject({
      created: false,
      claimLive: true,
      message: { status: 'sending', claimedBy: alive },
    });
    expect(held.message.claimedAt).toBeInstanceOf(Date);
    expect(await repo().claimForSend({ ...s, claimant: 'another' })).toMatchObject({ claimLive: false });
    // The killed sender's lease runs out: its claim stops counting.
    expect((await repo().getClaim(k.commandId))?.claimLive).toBe(true);
    const expired = await until(
      () => repo().getClaim(k.commandId),
      (claim) => claim?.claimLive === false,
      5_000,
      100,
    );
    expect(expired?.claimLive).toBe(false);

    // The sender that takes it over records itself before its Graph call.
    await repo().markSending(k.commandId, 2, alive);
    expect(await repo().getClaim(k.commandId)).toMatchObject({
      claimLive: true,
      message: { claimedBy: alive, attempts: 2 },
    });
    expect(await instances.purgeExpired(0)).toBeGreaterThanOrEqual(1);
    expect(await repo().getClaim('no-such-command')).toBeNull();
  });
});
