import { randomBytes, randomInt } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Pool } from '@omnistream/db';
import type { Integration } from '@omnistream/integrations';
import type { TopicNames } from '@omnistream/kafka';
import { createLogger, createRedactor } from '@omnistream/logger';
import { createMetaSim, type MetaSim } from '@omnistream/meta-sim';
import { testKafka, uniqueTopicNames } from '@omnistream/testing';
import { facebookDialogUrlFor } from '../src/features/oauth/index.ts';
import { type Gateway, type GatewaySettings, startGateway } from '../src/gateway.ts';

export const encryptionKeys = [{ id: 'k1', key: randomBytes(32) }];
export const APP_SECRET = 'test-app-secret-0123456789abcdef';
export const BOOTSTRAP_KEY = `osk_${randomBytes(32).toString('base64url')}`;
/** API_GATEWAY_PUBLIC_URL of the test gateway: the OAuth redirect URIs start with it. */
export const PUBLIC_URL = 'https://gateway.test';
export const MESSENGER_CONFIG_ID = '778899001122';

export interface GatewayWorld {
  sim: MetaSim;
  topics: TopicNames;
  gateway: Gateway;
  /** Every log line the gateway wrote, as JSON text. */
  logs: string[];
  adminKey: string;
  /** An authenticated request through the real HTTP stack (inject). */
  call(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
    // biome-ignore lint/suspicious/noExplicitAny: tests read response fields directly and assert them
  ): Promise<{ status: number; body: any; text: string; headers: Record<string, unknown> }>;
  stop(): Promise<void>;
}

export function gatewaySettings(sim: MetaSim, topics: TopicNames, overrides: Partial<GatewaySettings> = {}) {
  return {
    brokers: testKafka().brokers,
    clientId: 'gateway-test',
    groupId: `gateway-test-${randomBytes(4).toString('hex')}`,
    topics: { inbound: topics.inbound, outbound: topics.outbound, dlq: topics.outboundDlq },
    graph: {
      graphUrl: sim.graphUrl,
      instagramUrl: sim.instagramUrl,
      appSecret: APP_SECRET,
      instagramOAuthUrl: sim.instagramBaseUrl,
      timeouts: { connectMs: 2_000, headersMs: 3_000, bodyMs: 3_000 },
      connections: 8,
    },
    encryptionKeys,
    integrationsPollIntervalMs: 100,
    authFailuresPerMinute: 1_000,
    templateSyncIntervalMs: 3_600_000,
    idempotencyTtlHours: 24,
    media: { maxBytes: 100 * 1024 * 1024, allowedHosts: ['lookaside.fbsbx.com', '*.fbcdn.net'] },
    oauth: {
      publicUrl: PUBLIC_URL,
      metaAppId: sim.app.id,
      messengerLoginConfigId: MESSENGER_CONFIG_ID,
      instagramAppId: sim.app.instagramAppId,
      facebookDialogUrl: facebookDialogUrlFor(sim.graphUrl),
      instagramAuthorizeUrl: 'https://www.instagram.com/oauth/authorize',
    },
    instagramTokenRefresh: { intervalMs: 3_600_000, refreshWithinDays: 15 },
    bootstrapAdminKey: BOOTSTRAP_KEY,
    ...overrides,
  } satisfies GatewaySettings;
}

/** meta-sim, unique topics, and the gateway wired by the same startGateway() main.ts uses. */
export async function startGatewayWorld(
  pool: Pool,
  overrides: Partial<GatewaySettings> = {},
): Promise<GatewayWorld> {
  // The simulated app has the gateway's app secret, so OAuth exchanges (client_secret) succeed.
  const sim = createMetaSim({
    logger: createLogger({ name: 'meta-sim', level: 'silent' }),
    app: { secret: APP_SECRET },
  });
  await sim.start();
  const topics = await uniqueTopicNames();
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _e, cb) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const redactor = createRedactor([APP_SECRET]);
  const logger = createLogger({ name: 'api-gateway', level: 'debug', redactor, destination });
  const settings = gatewaySettings(sim, topics, overrides);
  const gateway = await startGateway({ settings, logger, redactor, pool });
  await gateway.app.ready();
  const adminKey = settings.bootstrapAdminKey ?? BOOTSTRAP_KEY;
  return {
    sim,
    topics,
    gateway,
    logs,
    adminKey,
    async call(method, url, body, headers = {}) {
      const res = await gateway.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${adminKey}`, ...headers },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      let parsed: unknown;
      try {
        parsed = res.json();
      } catch {
        parsed = undefined;
      }
      return { status: res.statusCode, body: parsed, text: res.body, headers: res.headers };
    },
    async stop() {
      await gateway.app.close();
      for (const step of gateway.shutdownSteps) await step.run();
      await sim.stop();
    },
  };
}

export { until } from '@omnistream/testing';

/** `n` random digits, for Meta-like ids that do not collide between tests. */
export const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');

/** A WhatsApp number on its own WABA, known to meta-sim with its token, stored as an integration. */
export async function whatsAppIntegration(
  world: Pick<GatewayWorld, 'sim' | 'gateway'>,
  sim: MetaSim = world.sim,
): Promise<{ integration: Integration; wabaId: string; phoneNumberId: string; token: string }> {
  const wabaId = `1${digits(14)}`;
  const phoneNumberId = `2${digits(14)}`;
  const token = `EAAG${randomBytes(24).toString('hex')}`;
  sim.accounts.addWhatsAppNumber({ phoneNumberId, wabaId, tokens: [token] });
  const integration = await world.gateway.integrations.create({
    channel: 'whatsapp',
    phoneNumberId,
    wabaId,
    token,
  });
  return { integration, wabaId, phoneNumberId, token };
}

/** A Facebook Page known to meta-sim with its Page token, stored as a Messenger integration. */
export async function messengerIntegration(
  world: Pick<GatewayWorld, 'sim' | 'gateway'>,
): Promise<{ integration: Integration; pageId: string; token: string }> {
  const pageId = `3${digits(14)}`;
  const token = `EAAG${randomBytes(24).toString('hex')}`;
  world.sim.accounts.addPage({ pageId, tokens: [token] });
  const integration = await world.gateway.integrations.create({
    channel: 'messenger',
    pageId,
    token,
    tokenType: 'page',
  });
  return { integration, pageId, token };
}
