import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOutboundMessagesRepository } from '@omnistream/outbound';
import { freePorts, testKafka, uniqueTopicNames, useTestDatabase } from '@omnistream/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { serviceCommand } from '../../../scripts/service-command.ts';
import { collect, command, commandProducer, encryptionKeys, startWorld, until } from './harness.ts';

// Started as `pnpm start:message-sender` starts it: its Node flags and environment (package.json).
const START = serviceCommand('message-sender');
const MAIN = fileURLToPath(new URL(`../../../${START.entry}`, import.meta.url));
const MAX_CONCURRENT_CHATS = 8;

type World = Awaited<ReturnType<typeof startWorld>>;

/** A meta-sim world, fresh topics, a results collector and a way to start the real sender process. */
async function senderProcessRig(
  db: { url: string; pool: import('@omnistream/db').Pool },
  children: ChildProcess[],
  cleanups: (() => Promise<unknown>)[],
  group: string,
  options: { latencyMs?: number; env?: Record<string, string> } = {},
) {
  const world: World = await startWorld(db.pool);
  cleanups.push(() => world.sim.stop());
  // Each call takes 20 ms at Meta, so a signal lands with sends in flight.
  world.sim.configure({ latencyMs: options.latencyMs ?? 20 });
  const topics = await uniqueTopicNames();
  const brokers = testKafka().brokers;
  const collector = await collect(brokers, [topics.outboundResults, topics.outboundDlq]);
  cleanups.push(() => collector.close());
  const [port] = await freePorts(1);
  const env = {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: db.url,
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_TOPIC_OUTBOUND: topics.outbound,
    KAFKA_TOPIC_OUTBOUND_RESULTS: topics.outboundResults,
    KAFKA_TOPIC_OUTBOUND_DLQ: topics.outboundDlq,
    KAFKA_TOPIC_INBOUND: topics.inbound,
    SENDER_GROUP_ID: `${group}-${port}`,
    META_API_URL: world.sim.graphUrl,
    INSTAGRAM_API_URL: world.sim.instagramUrl,
    TOKEN_ENCRYPTION_KEYS: `k1:${encryptionKeys[0]?.key.toString('base64')}`,
    MESSAGE_SENDER_METRICS_PORT: String(port),
    HTTP_HOST: '127.0.0.1',
    MAX_CONCURRENT_CHATS: String(MAX_CONCURRENT_CHATS),
    RATE_WHATSAPP_PER_NUMBER: '10000',
    RATE_WHATSAPP_PAIR_BURST: '1000',
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  const output: string[] = [];
  const start = () => {
    const child = spawn(process.execPath, [...START.nodeArgs, MAIN], {
      cwd: mkdtempSync(join(tmpdir(), 'omni-sender-')),
      env: { ...START.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d) => output.push(String(d)));
    child.stderr?.on('data', (d) => output.push(String(d)));
    children.push(child);
    return child;
  };
  const produce = async (prefix: string, n: number, recipients: number) => {
    const cmds = Array.from({ length: n }, (_, i) =>
      command(
        world.integrations.whatsapp.id,
        'whatsapp',
        `${prefix}${String(i % recipients).padStart(4, '0')}`,
        {
          type: 'text',
          text: `${prefix} ${i}`,
        },
      ),
    );
    const producer = await commandProducer(brokers, topics.outbound);
    await producer.send(...cmds);
    await producer.close();
    return cmds;
  };
  const sentIds = () =>
    new Set(
      collector
        .of(topics.outboundResults)
        .filter((r) => r.outcome === 'sent')
        .map((r) => r.commandId),
    );
  return { world, topics, brokers, collector, start, produce, sentIds, output };
}

describe('message-sender killed with SIGKILL mid-run (real process, broker, PostgreSQL, meta-sim)', () => {
  const db = useTestDatabase();
  const children: ChildProcess[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    for (const c of cleanups) await c().catch(() => undefined);
  });

  it('sends every command after a restart, repeating at most the sends that were in flight when it died', async () => {
    const rig = await senderProcessRig(db, children, cleanups, 'crash-test');
    const { world, start } = rig;
    const N = 240;
    const cmds = await rig.produce('1650555', N, 24);

    const first = start();
    await until(
      () => world.sim.ledger.count(),
      (n) => n >= 60,
      30_000,
    );
    const exited = new Promise((r) => first.once('exit', r));
    first.kill('SIGKILL');
    await exited;
    // The crash window: commands marked "sending" whose Graph call may or may not have happened.
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM outbound_messages WHERE status = 'sending'`,
    );
    const inFlightAtCrash = rows[0].n as number;
    expect(inFlightAtCrash).toBeLessThanOrEqual(MAX_CONCURRENT_CHATS);
    const sentBeforeCrash = world.sim.ledger.count();
    expect(sentBeforeCrash).toBeLessThan(N);

    start();
    await until(
      () => rig.sentIds().size,
      (n) => n === N,
      60_000,
    );
    expect(rig.sentIds().size).toBe(N);
    expect(rig.collector.of(rig.topics.outboundDlq)).toHaveLength(0);

    // Every command reached Meta; the only repeats are sends that were in flight at the kill.
    const markers = world.sim.ledger.entries().map((e) => e.marker);
    for (const c of cmds) expect(markers).toContain(c.commandId);
    const duplicates = world.sim.ledger.duplicates();
    const extra = duplicates.reduce((sum, d) => sum + (d.count - 1), 0);
    expect(extra).toBeLessThanOrEqual(inFlightAtCrash);
    console.log(`[crash window] ${inFlightAtCrash} sends in flight at SIGKILL, ${extra} sent twice, of ${N}`);
    const { rows: final } = await db.pool.query(
      `SELECT status, count(*)::int AS n FROM outbound_messages GROUP BY status`,
    );
    expect(final).toEqual([{ status: 'sent', n: N }]);
  }, 120_000);

  it('on SIGTERM finishes the sends in flight, commits them and exits 0; a restart sends the rest with no repeats', async () => {
    const rig = await senderProcessRig(db, children, cleanups, 'term-test');
    const { world, start, output } = rig;
    const N = 200;
    await rig.produce('1650556', N, 20);

    const first = start();
    await until(
      () => world.sim.ledger.count(),
      (n) => n >= 50,
      30_000,
    );
    const signalled = Date.now();
    const exit = new Promise<number | null>((r) => first.once('exit', (code) => r(code)));
    first.kill('SIGTERM');
    expect(await exit, output.join('').slice(-3000)).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM outbound_messages WHERE status = 'sending'`,
    );
    expect(rows[0].n).toBe(0);

    start();
    await until(
      () => rig.sentIds().size,
      (n) => n === N,
      60_000,
    );
    expect(rig.sentIds().size).toBe(N);
    expect(world.sim.ledger.duplicates()).toEqual([]);
    expect(world.sim.ledger.count()).toBe(N);
  }, 120_000);

  it('with SENDER_IN_DOUBT=hold, dead-letters the sends in flight at SIGKILL as in_doubt and sends nothing twice', async () => {
    const rig = await senderProcessRig(db, children, cleanups, 'hold-test', {
      // 300 ms at Meta: the kill lands with every conversation slot mid-call.
      latencyMs: 300,
      env: { SENDER_IN_DOUBT: 'hold', SENDER_CLAIM_LEASE_MS: '2000' },
    });
    const { world, start } = rig;
    const N = 120;
    const cmds = await rig.produce('1650557', N, 24);

    const first = start();
    await until(
      () => world.sim.ledger.count(),
      (n) => n >= 24,
      30_000,
    );
    // The kill lands while sends are in flight: between two rounds of calls (a loaded machine
    // widens that gap) none is, so wait for a claimed row; its call lasts 300 ms.
    await until(
      async () =>
        (
          await db.pool.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM outbound_messages WHERE status = 'sending' AND command_id = ANY($1)`,
            [cmds.map((c) => c.commandId)],
          )
        ).rows[0]?.n ?? 0,
      (n) => n > 0,
      30_000,
      5,
    );
    const exited = new Promise((r) => first.once('exit', r));
    first.kill('SIGKILL');
    await exited;
    // A claim statement the sender sent just before it died still commits at PostgreSQL: wait until
    // no statement of this database is running any more, then read what was in flight.
    await until(
      async () =>
        (
          await db.pool.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
             WHERE datname = current_database() AND state <> 'idle' AND pid <> pg_backend_pid()`,
          )
        ).rows[0]?.n ?? 0,
      (n) => n === 0,
      10_000,
      10,
    );
    const { rows } = await db.pool.query<{ command_id: string }>(
      `SELECT command_id FROM outbound_messages WHERE status = 'sending' AND command_id = ANY($1)`,
      [cmds.map((c) => c.commandId)],
    );
    const inFlightAtCrash = new Set(rows.map((r) => r.command_id));
    expect(inFlightAtCrash.size).toBeGreaterThan(0);
    expect(inFlightAtCrash.size).toBeLessThanOrEqual(MAX_CONCURRENT_CHATS);

    start();
    const resultIds = () => new Set(rig.collector.of(rig.topics.outboundResults).map((r) => r.commandId));
    await until(
      () => resultIds().size,
      (n) => n === N,
      60_000,
    );
    expect(resultIds().size).toBe(N);

    // Exactly the commands in flight at the kill are held, each with the time its attempt began.
    const letters = rig.collector.of(rig.topics.outboundDlq) as {
      reason: string;
      command: { commandId: string };
      lastAttemptAt?: string;
      errors: { code?: string; message: string }[];
    }[];
    expect(letters.map((l) => l.reason)).toEqual(letters.map(() => 'in_doubt'));
    const held = new Set(letters.map((l) => l.command.commandId));
    expect(held).toEqual(inFlightAtCrash);
    for (const l of letters) {
      expect(Date.parse(l.lastAttemptAt ?? '')).toBeGreaterThan(0);
      expect(l.errors.at(-1)).toMatchObject({ code: 'SENDER_IN_DOUBT' });
    }

    // Nothing went twice; every command not in doubt went exactly once, and was reported sent.
    expect(world.sim.ledger.duplicates()).toEqual([]);
    const sent = rig.sentIds();
    for (const c of cmds) {
      const count = world.sim.ledger.count({ marker: c.commandId });
      if (held.has(c.commandId)) {
        expect(count).toBeLessThanOrEqual(1);
        expect(sent.has(c.commandId)).toBe(false);
      } else {
        expect(count, c.commandId).toBe(1);
        expect(sent.has(c.commandId)).toBe(true);
      }
    }
    console.log(
      `[in doubt, hold] ${held.size} sends in flight at SIGKILL held, ` +
        `${[...held].filter((id) => world.sim.ledger.count({ marker: id }) === 1).length} of them had reached Meta; none sent twice, of ${N}`,
    );
    const { rows: final } = await db.pool.query(
      `SELECT status, last_error->>'code' AS code, count(*)::int AS n FROM outbound_messages
       WHERE command_id = ANY($1) GROUP BY 1, 2 ORDER BY 1`,
      [cmds.map((c) => c.commandId)],
    );
    expect(final).toEqual([
      { status: 'failed', code: 'SENDER_IN_DOUBT', n: held.size },
      { status: 'sent', code: null, n: N - held.size },
    ]);

    // A person decides to send one again: the replay (requeue the failed row, republish the
    // command, as the DLQ replay does) sends it.
    const chosen = cmds.find((c) => held.has(c.commandId));
    if (!chosen) throw new Error('no held command');
    const before = world.sim.ledger.count({ marker: chosen.commandId });
    const requeued = await createOutboundMessagesRepository({ pool: db.pool }).requeueFailed(
      chosen.commandId,
      {
        note: 'replayed from the dead-letter queue',
      },
    );
    expect(requeued.requeued).toBe(true);
    const producer = await commandProducer(rig.brokers, rig.topics.outbound);
    await producer.send(chosen);
    await producer.close();
    await until(() => rig.sentIds().has(chosen.commandId), Boolean, 20_000);
    expect(world.sim.ledger.count({ marker: chosen.commandId })).toBe(before + 1);
  }, 120_000);
});
