import { readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from './errors.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Pure: validates `env` against `schema` and returns the typed result, or throws one ConfigError
 * naming every bad variable. Empty strings count as unset, so `FOO=` in a .env file falls back to
 * the default instead of failing as an invalid value.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env): z.output<S> {
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && v.trim() !== '') cleaned[k] = v;
  }
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(toIssues(result.error, cleaned));
}

function toIssues(error: z.ZodError, env: Record<string, string>): ConfigIssue[] {
  const byVar = new Map<string, string[]>();
  for (const issue of error.issues) {
    const variable = issue.path.length > 0 ? String(issue.path[0]) : '(config)';
    const reason =
      variable in env || issue.code !== 'invalid_type' ? issue.message : 'is required but not set';
    const list = byVar.get(variable) ?? [];
    if (!list.includes(reason)) list.push(reason);
    byVar.set(variable, list);
  }
  return [...byVar.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([variable, reasons]) => ({ variable, reason: reasons.join('; ') }));
}

/**
 * The process environment merged over a .env file (the real environment wins, as dotenv does).
 * The only place in the project that reads process.env; only main.ts files and CLIs call it.
 */
export function readEnv(options: { dotenvPath?: string | false } = {}): Env {
  const path = options.dotenvPath ?? '.env';
  let fromFile: Record<string, string> = {};
  if (path !== false) {
    try {
      fromFile = parseDotenv(readFileSync(path));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return { ...fromFile, ...process.env };
}

/**
 * For main.ts files and CLIs: loads the config from the environment (and .env), or writes the
 * ConfigError's message (every bad variable, no values) to stderr and exits with code 2.
 */
export function loadConfigOrExit<S extends z.ZodType>(
  schema: S,
  name: string,
  env: Env = readEnv(),
): z.output<S> {
  return orExitOnConfigError(name, () => loadConfig(schema, env));
}

/**
 * For main.ts files and CLIs: runs `build` (a settings builder such as kafkaSecuritySettings, which
 * reads files the configuration names), and exits like loadConfigOrExit when it throws a ConfigError.
 */
export function orExitOnConfigError<T>(name: string, build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${name}: ${err.message}\n`);
    process.exit(2);
  }
}
