// Integration-test helpers: a meta-sim over real HTTP and a client pointed at it (tests only).
import { createLogger } from '@omnistream/logger';
import { createMetaSim, createSimClock, type MetaSim, type MetaSimOptions } from '@omnistream/meta-sim';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createGraphClient, type GraphClient, type GraphClientOptions } from './graph-client.ts';
import { capturingLogger } from './test-kit.ts';

export const WA = {
  phoneNumberId: '106540352242922',
  wabaId: '102290129340398',
  token: 'EAAGgraphIntWhatsAppSystemUserToken0001',
} as const;
export const PAGE = { pageId: '112233445566778', token: 'EAAGgraphIntPageAccessToken0002' } as const;
export const IG = { igUserId: '17841405793187218', token: 'IGAAgraphIntInstagramLoginToken0003' } as const;
export const USER = '16505551234';
export const PSID = '6789012345678901';
export const IGSID = '1129842642640637';

export async function startSim(options: MetaSimOptions = {}): Promise<MetaSim> {
  const sim = createMetaSim({
    logger: createLogger({ name: 'meta-sim', level: 'silent' }),
    clock: createSimClock({ start: Date.parse('2026-06-08T12:00:00Z'), frozen: true }),
    ...options,
    initial: {
      whatsapp: [{ phoneNumberId: WA.phoneNumberId, wabaId: WA.wabaId, tokens: [WA.token] }],
      pages: [{ pageId: PAGE.pageId, tokens: [PAGE.token], name: 'Lucky Shrub' }],
      instagram: [{ igUserId: IG.igUserId, username: 'luckyshrub', tokens: [IG.token] }],
      ...options.initial,
    },
  });
  await sim.start();
  return sim;
}

export function simClient(sim: MetaSim, overrides: Partial<GraphClientOptions> = {}): GraphClient {
  return createGraphClient({
    graphUrl: sim.graphUrl,
    instagramUrl: sim.instagramUrl,
    instagramOAuthUrl: sim.instagramBaseUrl,
    appSecret: sim.app.secret,
    timeouts: { connectMs: 2000, headersMs: 2000, bodyMs: 2000 },
    logger: capturingLogger().logger,
    ...overrides,
  });
}

/**
 * The per-file fixture of the integration tests: one simulator and one client for the file, the
 * simulator reset before each test. `set` receives them once they are up.
 */
export function useSim(set: (sim: MetaSim, client: GraphClient) => void): void {
  let sim: MetaSim | undefined;
  let client: GraphClient | undefined;
  beforeAll(async () => {
    sim = await startSim();
    client = simClient(sim);
    set(sim, client);
  });
  afterAll(async () => {
    await client?.close();
    await sim?.stop();
  });
  beforeEach(() => {
    sim?.reset('all');
  });
}
