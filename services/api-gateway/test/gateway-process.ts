// The api-gateway as a real process, started as `pnpm start:api-gateway` starts it (the root
// package.json's script: its Node flags and environment), for the tests that need the process
// itself: its exit code, its memory, its output.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pool } from '@omnistream/db';
import { createIntegrationsRepository, createTokenCipher, type Integration } from '@omnistream/integrations';
import { createLogger } from '@omnistream/logger';
import { createMetaSim, type MetaSim } from '@omnistream/meta-sim';
import { testKafka, type uniqueTopicNames, until } from '@omnistream/testing';
import { serviceCommand } from '../../../scripts/service-command.ts';

const START = serviceCommand('api-gateway');
// Built by the test global setup (scripts/build-services.ts).
const MAIN = fileURLToPath(new URL(`../../../${START.entry}`, import.meta.url));

export interface GatewayProcessOptions {
  databaseUrl: string;
  sim: Pick<MetaSim, 'graphUrl' | 'instagramUrl'>;
  topics: Awaited<ReturnType<typeof uniqueTopicNames>>;
  port: number;
  /** TOKEN_ENCRYPTION_KEYS' keys, as the test's integrations repository uses them. */
  encryptionKeys: { id: string; key: Buffer }[];
  /** ADMIN_API_KEY: stored at start-up as the `bootstrap` key. */
  adminKey: string;
  /** Default: gateway-process-<port>. */
  groupId?: string;
  /** More variables, or overrides of the ones above. */
  env?: Record<string, string>;
}

export interface GatewayProcess {
  child: ChildProcess;
  pid: number;
  /** http://127.0.0.1:<port> */
  base: string;
  /** Everything it wrote to stdout and stderr, in order. */
  output: string[];
  /** Resolves with [code, signal] when it exits. */
  exited: Promise<unknown[]>;
}

/**
 * Spawns the gateway and waits until `/readyz` answers 200. When it exits or is not ready within
 * 45 s it is killed and the error carries its output.
 */
export async function startGatewayProcess(options: GatewayProcessOptions): Promise<GatewayProcess> {
  const { port, topics } = options;
  const base = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const child = spawn(process.execPath, [...START.nodeArgs, MAIN], {
    cwd: mkdtempSync(join(tmpdir(), 'omni-gateway-')),
    env: {
      ...START.env,
      PATH: process.env.PATH ?? '',
      DATABASE_URL: options.databaseUrl,
      KAFKA_BROKERS: testKafka().brokers.join(','),
      KAFKA_TOPIC_INBOUND: topics.inbound,
      KAFKA_TOPIC_OUTBOUND: topics.outbound,
      KAFKA_TOPIC_OUTBOUND_RESULTS: topics.outboundResults,
      KAFKA_TOPIC_OUTBOUND_DLQ: topics.outboundDlq,
      API_GATEWAY_GROUP_ID: options.groupId ?? `gateway-process-${port}`,
      API_GATEWAY_PORT: String(port),
      HTTP_HOST: '127.0.0.1',
      META_API_URL: options.sim.graphUrl,
      INSTAGRAM_API_URL: options.sim.instagramUrl,
      TOKEN_ENCRYPTION_KEYS: options.encryptionKeys
        .map((k) => `${k.id}:${k.key.toString('base64')}`)
        .join(','),
      ADMIN_API_KEY: options.adminKey,
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => output.push(String(d)));
  child.stderr?.on('data', (d) => output.push(String(d)));
  const exited = once(child, 'exit');

  // Ready, or exited (then no use waiting longer).
  const ready = await until(
    () =>
      fetch(`${base}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      ),
    (ok) => ok || child.exitCode !== null,
    45_000,
    200,
  ).catch(() => false);
  if (!ready || child.pid === undefined) {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw new Error(`not ready:\n${output.join('')}`);
  }
  return { child, pid: child.pid, base, output, exited };
}

/**
 * meta-sim (started, in the test's process) with one WhatsApp number that accepts `token`, and the
 * integration for it stored in PostgreSQL under `encryptionKeys`: what a gateway process needs to
 * call Meta for a number.
 */
export async function simWithWhatsAppNumber(
  pool: Pool,
  encryptionKeys: { id: string; key: Buffer }[],
  token: string,
): Promise<{ sim: MetaSim; phone: string; integration: Integration }> {
  const sim = createMetaSim({ logger: createLogger({ name: 'meta-sim', level: 'silent' }) });
  await sim.start();
  const phone = `1065${Math.floor(Math.random() * 1e9)}`;
  sim.accounts.addWhatsAppNumber({ phoneNumberId: phone, wabaId: `1022${phone}`, tokens: [token] });
  const integration = await createIntegrationsRepository({
    pool,
    cipher: createTokenCipher(encryptionKeys),
  }).create({ channel: 'whatsapp', phoneNumberId: phone, wabaId: `1022${phone}`, token });
  return { sim, phone, integration };
}
