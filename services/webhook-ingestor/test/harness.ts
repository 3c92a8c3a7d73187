import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Pool } from '@omnistream/db';
import { createLogger, createRedactor } from '@omnistream/logger';
import { createIngestor, type Ingestor, type IngestorSettings } from '../src/ingestor.ts';

export const APP_SECRET = 'test-app-secret-0123456789';
export const IG_APP_SECRET = 'test-instagram-app-secret-987';
export const VERIFY_TOKEN = 'verify-me-please';
export const encryptionKeys = [{ id: 'k1', key: randomBytes(32) }];

export interface TestIngestor extends Ingestor {
  /** Every log line the ingestor wrote, for asserting what reaches (and never reaches) logs. */
  logs: string[];
  close(): Promise<void>;
}

/** The ingestor wired by the same createIngestor() main.ts uses, with its logs captured. */
export async function startIngestor(options: {
  brokers: string[];
  topic: string;
  pool: Pool;
  settings?: Partial<IngestorSettings>;
}): Promise<TestIngestor> {
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _e, cb) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const redactor = createRedactor([APP_SECRET, IG_APP_SECRET, VERIFY_TOKEN]);
  const logger = createLogger({ name: 'webhook-ingestor', level: 'debug', redactor, destination });
  const ingestor = await createIngestor({
    logger,
    redactor,
    pool: options.pool,
    settings: {
      appSecret: APP_SECRET,
      instagramAppSecret: IG_APP_SECRET,
      verifyToken: VERIFY_TOKEN,
      bodyLimitBytes: 3 * 1024 * 1024,
      brokers: options.brokers,
      clientId: 'ingestor-test',
      inboundTopic: options.topic,
      publishTimeoutMs: 2_000,
      relayIntervalMs: 100,
      integrationsPollIntervalMs: 100,
      encryptionKeys,
      ...options.settings,
    },
  });
  await ingestor.app.ready();
  return {
    ...ingestor,
    logs,
    async close() {
      for (const step of ingestor.shutdownSteps) await step.run();
    },
  };
}
