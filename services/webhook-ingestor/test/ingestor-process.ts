import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testKafka } from '@omnistream/testing';
import { serviceCommand } from '../../../scripts/service-command.ts';
import { APP_SECRET, encryptionKeys, VERIFY_TOKEN } from './harness.ts';

// Started as `pnpm start:webhook-ingestor` starts it: its Node flags and environment (package.json).
const START = serviceCommand('webhook-ingestor');
const MAIN = fileURLToPath(new URL(`../../../${START.entry}`, import.meta.url));

export interface IngestorProcess {
  child: ChildProcess;
  /** Every line it printed (logs), for assertions and failure messages. */
  output: string[];
  /** Resolves once it logs that it listens; rejects if it exits first. */
  listening: Promise<void>;
  /** Its exit code (null after a signal). */
  exited: Promise<number | null>;
}

/** The environment of a test ingestor process: the test broker, its database, topic and port. */
export function ingestorEnv(options: {
  databaseUrl: string;
  topic: string;
  port: number;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    DATABASE_URL: options.databaseUrl,
    KAFKA_BROKERS: testKafka().brokers.join(','),
    KAFKA_TOPIC_INBOUND: options.topic,
    META_APP_SECRET: APP_SECRET,
    META_VERIFY_TOKEN: VERIFY_TOKEN,
    TOKEN_ENCRYPTION_KEYS: `k1:${encryptionKeys[0]?.key.toString('base64')}`,
    WEBHOOK_INGESTOR_PORT: String(options.port),
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...options.extra,
  };
}

/** A real webhook-ingestor process with `env` on top of the start script's own. */
export function startIngestorProcess(env: Record<string, string>): IngestorProcess {
  const child = spawn(process.execPath, [...START.nodeArgs, MAIN], {
    // An empty working directory, so no developer .env is read.
    cwd: mkdtempSync(join(tmpdir(), 'omni-ingestor-')),
    env: { PATH: process.env.PATH ?? '', ...START.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const listening = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(...chunk.toString().split('\n').filter(Boolean));
      if (output.some((l) => l.includes('webhook-ingestor listening'))) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`ingestor exited early (${code}):\n${output.join('\n')}`)));
  });
  // The exit after a deliberate SIGTERM must not surface as an unhandled rejection; callers that
  // await `listening` still see it.
  listening.catch(() => undefined);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output, listening, exited };
}
