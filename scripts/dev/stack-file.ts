// What a running `pnpm dev` tells `pnpm demo`: addresses, the broker and the development secrets it
// started the services with. Written while the stack runs (mode 600, under the git-ignored
// .omnistream/), removed when it stops.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

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

export const stackFile = (root: string) => join(root, '.omnistream', 'dev', 'stack.json');

export function writeStackFile(root: string, stack: DevStack): void {
  const file = stackFile(root);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(stack, null, 2)}\n`, { mode: 0o600 });
}

export function removeStackFile(root: string): void {
  rmSync(stackFile(root), { force: true });
}

/** The running stack, or null when no `pnpm dev` wrote one (or the one that did is gone). */
export function readStackFile(root: string): DevStack | null {
  let stack: DevStack;
  try {
    stack = JSON.parse(readFileSync(stackFile(root), 'utf8')) as DevStack;
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
