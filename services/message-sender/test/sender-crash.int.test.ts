import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
) {
  const world: World = await startWorld(db.pool);
  cleanups.push(() => world.sim.stop());
  // Each call takes 20 ms at Meta, so a signal lands with sends in flight.
  world.sim.configure({ latencyMs: 20 });
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
  return { world, topics, collector, start, produce, sentIds, output };
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
});
