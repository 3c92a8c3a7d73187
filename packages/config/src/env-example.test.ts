// .env.example is the configuration reference users copy: it must list exactly the variables that
// something reads, each with a comment, with defaults that are the real defaults and no secrets.
//
// Readers counted: every zod object exported by services/*/src/config.ts; the CLIs
// (packages/*/src/*-cli.ts, services/*/src/*-cli.ts, scripts/*.ts) through the config blocks they
// spread into z.object({...}); and the ${VARS} docker-compose.yml substitutes. Not counted:
// meta-sim's own META_SIM_* settings (a development tool, documented in its README).
import { randomBytes } from 'node:crypto';
import { globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as blocks from './blocks.ts';
import { loadConfig } from './load-config.ts';

const root = join(import.meta.dirname, '../../..');

type Shape = Record<string, { safeParse(value: unknown): { success: boolean; data?: unknown } }>;
interface Reader {
  name: string;
  shape: Shape;
}

interface ExampleEntry {
  key: string;
  value: string;
  /** `KEY=value` (must be set) rather than `# KEY=value` (optional, default shown). */
  active: boolean;
  line: number;
  commentAbove: boolean;
}

const VARIABLE_LINE = /^(#\s?)?([A-Z][A-Z0-9_]*)=(\S*)$/;

function readExample(): ExampleEntry[] {
  const lines = readFileSync(join(root, '.env.example'), 'utf8').split('\n');
  const entries: ExampleEntry[] = [];
  lines.forEach((text, index) => {
    const match = VARIABLE_LINE.exec(text);
    if (!match) return;
    const previous = lines[index - 1] ?? '';
    entries.push({
      key: match[2] as string,
      value: match[3] as string,
      active: match[1] === undefined,
      line: index + 1,
      commentAbove: previous.startsWith('#') && !VARIABLE_LINE.test(previous),
    });
  });
  return entries;
}

const isZodObject = (value: unknown): value is { shape: Shape } =>
  typeof value === 'object' && value !== null && 'shape' in value && 'safeParse' in value;

async function serviceReaders(): Promise<Reader[]> {
  const readers: Reader[] = [];
  for (const file of globSync('services/*/src/config.ts', { cwd: root }).sort()) {
    const module = (await import(join(root, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (isZodObject(value)) readers.push({ name: `${file} ${name}`, shape: value.shape });
    }
  }
  return readers;
}

/**
 * CLIs build their schema inline from config blocks (`z.object({ ...logBlock, ...postgresBlock })`).
 * Only spreads of exported blocks are understood; anything else fails, so a CLI that grows its own
 * variable is not silently missed.
 */
function cliReaders(): Reader[] {
  const files = [
    ...globSync('packages/*/src/*-cli.ts', { cwd: root }),
    ...globSync('services/*/src/*-cli.ts', { cwd: root }),
    ...globSync('scripts/*.ts', { cwd: root }),
  ]
    .filter((f) => !f.startsWith('packages/meta-sim/'))
    .sort();
  const readers: Reader[] = [];
  for (const file of files) {
    const source = readFileSync(join(root, file), 'utf8');
    for (const match of source.matchAll(/z\.object\(\{([^}]*)\}\)/g)) {
      const members = (match[1] as string)
        .split(',')
        .map((m) => m.trim())
        .filter(Boolean);
      const shape: Shape = {};
      for (const member of members) {
        const name = /^\.\.\.(\w+Block)$/.exec(member)?.[1];
        const block = name ? (blocks as Record<string, Shape | undefined>)[name] : undefined;
        if (!block) {
          throw new Error(
            `${file}: cannot tell which variables \`${member}\` reads; use config blocks or extend env-example.test.ts`,
          );
        }
        Object.assign(shape, block);
      }
      readers.push({ name: file, shape });
    }
  }
  return readers;
}

/** `${VAR}`, `${VAR:-default}`, `${VAR:?message}` in docker-compose.yml, with the default if any. */
function composeVariables(): Map<string, string | undefined> {
  const text = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
  const found = new Map<string, string | undefined>();
  for (const match of text.matchAll(/\$\{([A-Z][A-Z0-9_]*)(?:(:?-)([^}]*)|:?\?[^}]*)?\}/g)) {
    const name = match[1] as string;
    const fallback = match[2] ? match[3] : undefined;
    if (!found.has(name) || found.get(name) === undefined) found.set(name, fallback);
  }
  return found;
}

const SECRET = /(_SECRET|_PASSWORD|_KEYS?|_ACCESS_TOKEN|_VERIFY_TOKEN)$/;

const entries = readExample();
const readers = [...(await serviceReaders()), ...cliReaders()];
const compose = composeVariables();

describe('.env.example', () => {
  const readersOf = (key: string) => readers.filter((r) => key in r.shape);

  it('finds the three services and the CLIs (a reader list that is empty checks nothing)', () => {
    const names = readers.map((r) => r.name).join('\n');
    for (const expected of [
      'webhook-ingestor',
      'message-sender',
      'api-gateway',
      'migrate-cli',
      'reencrypt-cli',
    ]) {
      expect(names).toContain(expected);
    }
    expect(compose.size).toBeGreaterThan(0);
  });

  it('lists every variable a service, a CLI or docker-compose.yml reads', () => {
    const listed = new Set(entries.map((e) => e.key));
    const missing: string[] = [];
    for (const reader of readers) {
      for (const key of Object.keys(reader.shape)) {
        if (!listed.has(key)) missing.push(`${key} (read by ${reader.name})`);
      }
    }
    for (const key of compose.keys()) if (!listed.has(key)) missing.push(`${key} (docker-compose.yml)`);
    expect([...new Set(missing)], 'add these to .env.example with a comment').toEqual([]);
  });

  it('lists only variables something reads, each once', () => {
    const unread = entries.filter((e) => readersOf(e.key).length === 0 && !compose.has(e.key));
    expect(
      unread.map((e) => `${e.key} (line ${e.line})`),
      'nothing reads these; remove them',
    ).toEqual([]);
    const seen = new Set<string>();
    const twice = entries.filter((e) => seen.has(e.key) || !seen.add(e.key));
    expect(twice.map((e) => `${e.key} (line ${e.line})`)).toEqual([]);
  });

  it('says why each variable exists, on the line above it', () => {
    const bare = entries.filter((e) => !e.commentAbove);
    expect(bare.map((e) => `${e.key} (line ${e.line})`)).toEqual([]);
  });

  it('shows the real default on every optional line that has one', () => {
    const wrong: string[] = [];
    for (const entry of entries.filter((e) => !e.active && e.value !== '')) {
      for (const reader of readersOf(entry.key)) {
        const field = reader.shape[entry.key];
        const fallback = field?.safeParse(undefined);
        if (!field || !fallback?.success || fallback.data === undefined) continue;
        const shown = field.safeParse(entry.value);
        if (!shown.success || !isDeepStrictEqual(shown.data, fallback.data)) {
          wrong.push(`${entry.key}=${entry.value} but ${reader.name} defaults to ${String(fallback.data)}`);
        }
      }
      const composeDefault = compose.get(entry.key);
      if (composeDefault !== undefined && composeDefault !== entry.value) {
        wrong.push(`${entry.key}=${entry.value} but docker-compose.yml defaults to ${composeDefault}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('ships no secret values: they are left empty to be generated', () => {
    const filled = entries.filter((e) => SECRET.test(e.key) && e.value !== '');
    expect(filled.map((e) => `${e.key} (line ${e.line})`)).toEqual([]);
  });

  it('is a valid configuration for every service once the required secrets are filled in', () => {
    const env: Record<string, string> = {};
    for (const e of entries) if (e.value !== '') env[e.key] = e.value;
    Object.assign(env, {
      META_APP_SECRET: 'app-secret',
      META_VERIFY_TOKEN: 'verify-token',
      TOKEN_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    });
    for (const reader of readers) {
      expect(() => loadConfig(blocksSchema(reader.shape), env), reader.name).not.toThrow();
    }
  });
});

// loadConfig wants a zod schema; the readers carry shapes (blocks are shapes too).
function blocksSchema(shape: Shape) {
  return z.object(shape as unknown as Record<string, z.ZodType>);
}
