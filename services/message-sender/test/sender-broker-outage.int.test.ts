import { randomUUID } from 'node:crypto';
import { createKafka, ensureTopics, type TopicNames } from '@omnistream/kafka';
import { createOutboundMessagesRepository } from '@omnistream/outbound';
import { readMessages, useTestDatabase } from '@omnistream/testing';
import { type KafkaJarsBroker, startKafkaFromJars } from '@omnistream/testing/harness';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { startSender } from '../src/sender.ts';
import { command, commandProducer, logger, settingsFor, startWorld, stopSender, until } from './harness.ts';

const topics: TopicNames = {
  inbound: 'outage.inbound',
  outbound: 'outage.outbound',
  outboundResults: 'outage.results',
  outboundDlq: 'outage.dlq',
};

/** A real Kafka of this file's own, killed and started again on the same address. */
async function ownBroker(): Promise<KafkaJarsBroker> {
  const broker = await startKafkaFromJars();
  await ensureTopics({
    kafka: createKafka({ brokers: broker.brokers, clientId: 'outage-test', logger }),
    topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 3 })),
    logger,
  });
  return broker;
}

// The shared test broker cannot be killed (other files use it), so this file runs its own.
describe('message-sender through a broker crash (real Kafka killed and restarted, PostgreSQL, meta-sim)', () => {
  const db = useTestDatabase();
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it('reports not ready while its consumers are down, ready once both are back, and loses nothing', async () => {
    const broker = await ownBroker();
    cleanups.push(() => broker.stop());
    const world = await startWorld(db.pool);
    cleanups.push(() => world.sim.stop());
    // 20 ms per call and a few conversations: sends are in flight when the broker dies.
    world.sim.configure({ latencyMs: 20 });
    const sender = await startSender({
      settings: { ...settingsFor(world.sim, broker.brokers, topics), maxConcurrentChats: 4 },
      logger,
      pool: db.pool,
    });
    cleanups.push(() => stopSender(sender));
    // The ops server main.ts serves, on the sender's own readiness checks.
    const ops = buildApp({
      logger,
      registry: sender.registry,
      readiness: sender.readiness,
      isShuttingDown: () => false,
    });
    cleanups.push(() => ops.close());
    const readyz = async () => {
      const res = await ops.inject({ method: 'GET', url: '/readyz' });
      return { status: res.statusCode, checks: res.json().checks as Record<string, boolean> };
    };
    // Both consumers join their groups shortly after start-up; until then /readyz says so.
    const ready = await until(readyz, (r) => r.status === 200, 60_000);
    expect(ready).toMatchObject({ status: 200, checks: { commands: true, 'status-tracker': true } });

    const N = 300;
    const cmds = Array.from({ length: N }, (_, i) =>
      command(world.integrations.whatsapp.id, 'whatsapp', `1650558${String(i % 12).padStart(4, '0')}`, {
        type: 'text',
        text: `outage ${i}`,
      }),
    );
    const producer = await commandProducer(broker.brokers, topics.outbound);
    await producer.send(...cmds);
    await producer.close();
    await until(
      () => world.sim.ledger.count(),
      (n) => n >= 20,
      20_000,
    );

    // A crash: the broker answers nothing until it is back.
    await broker.kill();
    const seen: string[] = [];
    const down = await until(
      async () => {
        const r = await readyz();
        seen.push(JSON.stringify(r.checks));
        return r;
      },
      (r) => r.status === 503 && !r.checks.commands && !r.checks['status-tracker'],
      90_000,
    );
    expect(down.status, seen.slice(-3).join('\n')).toBe(503);
    expect(down.checks).toMatchObject({ commands: false, 'status-tracker': false });

    await broker.restart();
    const back = await until(readyz, (r) => r.status === 200, 120_000);
    expect(back, seen.slice(-3).join('\n')).toMatchObject({
      status: 200,
      checks: { commands: true, 'status-tracker': true, kafka: true },
    });

    // Nothing lost, nothing sent twice: every command went to Meta once and has its sent result.
    const outbound = createOutboundMessagesRepository({ pool: db.pool });
    const sentRows = await until(
      async () => {
        const { rows } = await db.pool.query(
          `SELECT count(*)::int AS n FROM outbound_messages WHERE status = 'sent' AND command_id = ANY($1)`,
          [cmds.map((c) => c.commandId)],
        );
        return rows[0].n as number;
      },
      (n) => n === N,
      60_000,
    );
    expect(sentRows).toBe(N);
    for (const c of cmds) expect(world.sim.ledger.count({ marker: c.commandId }), c.commandId).toBe(1);
    // A result that failed to publish during the outage is retried with backoff (up to 30 s), and
    // results of commands redelivered after it are published again: read until all are there.
    const sentResults = async () => {
      const results = await readMessages({
        brokers: broker.brokers,
        topic: topics.outboundResults,
        count: N,
        settleMs: 1_000,
      });
      return new Set(
        results
          .map((m) => JSON.parse(m.text ?? '{}'))
          .filter((r) => r.outcome === 'sent')
          .map((r) => r.commandId),
      );
    };
    const sent = await until(sentResults, (ids) => cmds.every((c) => ids.has(c.commandId)), 60_000);
    expect(cmds.filter((c) => !sent.has(c.commandId))).toEqual([]);

    // The status tracker consumes again: a delivery status after the outage is applied.
    const first = cmds[0] as (typeof cmds)[number];
    const row = await outbound.get(first.commandId);
    const inbound = await commandProducer(broker.brokers, topics.inbound);
    await inbound.send({
      schemaVersion: 1,
      eventId: randomUUID().replaceAll('-', ''),
      kind: 'status',
      channel: 'whatsapp',
      account: { id: world.ids.phone },
      integrationId: world.integrations.whatsapp.id,
      contact: { id: first.to },
      occurredAt: new Date().toISOString(),
      receivedAt: new Date().toISOString(),
      payload: { messageId: row?.metaMessageId, status: 'delivered', recipientId: first.to },
      raw: null,
    });
    await inbound.close();
    const delivered = await until(
      () => outbound.get(first.commandId),
      (r) => r?.status === 'delivered',
      30_000,
    );
    expect(delivered?.status).toBe('delivered');
  }, 400_000);
});
