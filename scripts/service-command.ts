// How each service is started. The `start:<service>` scripts of the root package.json are the one
// definition, V8 and malloc settings included: `pnpm dev`, the benchmarks and (checked by
// `pnpm check:deploy`) the Dockerfile and docker-compose.yml run exactly that command.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SERVICES = ['webhook-ingestor', 'message-sender', 'api-gateway'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface ServiceCommand {
  /** `NAME=value` assignments before `node`. */
  env: Record<string, string>;
  /** Node and V8 flags, in order. */
  nodeArgs: string[];
  /** The entry file, relative to the repository root. */
  entry: string;
}

const ROOT = join(import.meta.dirname, '..');

/** Parses `[NAME=value ...] node [--flag ...] <entry>`; anything else is an error, not a guess. */
export function parseServiceCommand(script: string): ServiceCommand {
  const tokens = script.trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (tokens[0] !== undefined && /^[A-Z_][A-Z0-9_]*=/.test(tokens[0])) {
    const token = tokens.shift() as string;
    const eq = token.indexOf('=');
    env[token.slice(0, eq)] = token.slice(eq + 1);
  }
  if (tokens.shift() !== 'node')
    throw new Error(`"${script}": expected [NAME=value ...] node [flags] <entry>`);
  const nodeArgs: string[] = [];
  while (tokens[0]?.startsWith('-')) nodeArgs.push(tokens.shift() as string);
  const entry = tokens.shift();
  if (entry === undefined || tokens.length > 0)
    throw new Error(`"${script}": expected exactly one entry file after the node flags`);
  return { env, nodeArgs, entry };
}

export function serviceCommand(service: ServiceName, root = ROOT): ServiceCommand {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const script = pkg.scripts?.[`start:${service}`];
  if (script === undefined) throw new Error(`package.json has no start:${service} script`);
  return parseServiceCommand(script);
}

/** The command as one shell line (for reports), with `extraNodeArgs` after the script's own flags. */
export function formatServiceCommand(command: ServiceCommand, extraNodeArgs: readonly string[] = []): string {
  return [
    ...Object.entries(command.env).map(([k, v]) => `${k}=${v}`),
    'node',
    ...command.nodeArgs,
    ...extraNodeArgs,
    command.entry,
  ].join(' ');
}
