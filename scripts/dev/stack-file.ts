// What a running `pnpm dev` tells `pnpm demo`: addresses, the broker and the development secrets it
// started the services with. Written while the stack runs (mode 600, in DEV_STATE_DIR, by default
// the git-ignored .omnistream/dev/), removed when it stops.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { devStackBlock, type Env, loadConfig, readEnv, z } from '../../packages/config/src/index.ts';

export interface DevStack {
  pid: number;
  startedAt: string;
  ingestorUrl: string;
  gatewayUrl: string;
  senderOpsUrl: string;
  metaSimUrl: string;
  graphVersion: string;
  kafka: { brokers: string[]; bundled: boolean };
  topics: { inbound: string; outbound: string; outboundResults: string; outboundDlq: string };
  database: string;
  /** How often the services re-read the integrations table (a new integration is seen after it). */
  integrationsPollIntervalMs: number;
  adminApiKey: string;
  metaAppSecret: string;
}

/** DEV_STATE_DIR (from the environment and .env) as an absolute folder. */
export function devStateDir(root: string, env: Env = readEnv({ dotenvPath: join(root, '.env') })): string {
  return resolve(root, loadConfig(z.object({ ...devStackBlock }), env).DEV_STATE_DIR);
}

export const stackFile = (stateDir: string) => join(stateDir, 'stack.json');

export function writeStackFile(stateDir: string, stack: DevStack): void {
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(stackFile(stateDir), `${JSON.stringify(stack, null, 2)}\n`, { mode: 0o600 });
}

export function removeStackFile(stateDir: string): void {
  rmSync(stackFile(stateDir), { force: true });
}

/** The running stack, or null when no `pnpm dev` wrote one (or the one that did is gone). */
export function readStackFile(root: string): DevStack | null {
  let stack: DevStack;
  try {
    stack = JSON.parse(readFileSync(stackFile(devStateDir(root)), 'utf8')) as DevStack;
  } catch {
    return null;
  }
  try {
    process.kill(stack.pid, 0);
  } catch {
    return null;
  }
  return stack;
}
