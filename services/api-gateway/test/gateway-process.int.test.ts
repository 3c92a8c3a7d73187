import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { MetaSim } from '@omnistream/meta-sim';
import { freePorts, readMessages, uniqueTopicNames, useTestDatabase } from '@omnistream/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { simWithWhatsAppNumber, startGatewayProcess } from './gateway-process.ts';

const keys = [{ id: 'k1', key: randomBytes(32) }];
const ADMIN_KEY = `osk_${randomBytes(32).toString('base64url')}`;
const TOKEN = `EAAGproc${randomBytes(8).toString('hex')}`;

describe('api-gateway process (pnpm start:api-gateway): start-up, SIGTERM during requests', () => {
  const db = useTestDatabase();
  let child: ChildProcess | undefined;
  let sim: MetaSim | undefined;
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await sim?.stop();
  });

  it('answers every request it accepted, puts each accepted command on Kafka, then exits 0', async () => {
    const world = await simWithWhatsAppNumber(db.pool, keys, TOKEN);
    sim = world.sim;
    const { integration } = world;
    const topics = await uniqueTopicNames();
    const [port] = await freePorts(1);
    // Started as `pnpm start:api-gateway` starts it: its Node flags and environment (package.json).
    const gateway = await startGatewayProcess({
      databaseUrl: db.url,
      sim,
      topics,
      port: port as number,
      encryptionKeys: keys,
      adminKey: ADMIN_KEY,
    });
    child = gateway.child;
    const { base, output, exited } = gateway;

    type Answer = { status: number; body: { commandId?: string }; error?: string };
    const send = (i: number): Promise<Answer> =>
      fetch(`${base}/admin/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          integrationId: integration.id,
          to: `1650555${String(i).padStart(4, '0')}`,
          message: { type: 'text', text: `shutdown test ${i}` },
        }),
      }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as { commandId?: string } }),
        (err: Error) => ({ status: 0, body: {}, error: err.message }),
      );
    const first = await Promise.all(Array.from({ length: 10 }, (_, i) => send(i)));
    expect(first.map((r) => r.status)).toEqual(Array(10).fill(202));
    // A burst in flight when SIGTERM lands (sent once the first of it was answered): each request
    // either completes (202) or is refused (503, or the connection is refused once the listener
    // closed); none is half-done.
    let answered: () => void = () => {};
    const firstAnswer = new Promise<void>((resolve) => {
      answered = resolve;
    });
    const burst = Array.from({ length: 60 }, (_, i) =>
      send(100 + i).then((r) => {
        answered();
        return r;
      }),
    );
    await firstAnswer;
    gateway.child.kill('SIGTERM');
    const late = await Promise.all(burst);
    const [code] = await exited;
    expect(code).toBe(0);
    for (const r of late) expect([202, 503, 0]).toContain(r.status);

    const accepted = [...first, ...late].filter((r) => r.status === 202).map((r) => r.body.commandId);
    const onTopic = await readMessages({ topic: topics.outbound, count: accepted.length, settleMs: 500 });
    const published = onTopic.map((m) => (JSON.parse(m.text ?? '{}') as { commandId: string }).commandId);
    expect(new Set(published)).toEqual(new Set(accepted));

    const log = output.join('');
    expect(log).toContain('shutdown complete');
    expect(log).not.toContain(ADMIN_KEY);
    expect(log).not.toContain(TOKEN);
  }, 90_000);
});
