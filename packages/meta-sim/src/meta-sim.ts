import { createLogger, type Logger } from '@omnistream/logger';
import type { FastifyInstance } from 'fastify';
import type { Accounts } from './account-types.ts';
import { createAccounts } from './accounts.ts';
import { appSecretProof } from './auth.ts';
import { type Business, createBusiness } from './business.ts';
import { type CdnAttachments, createCdnAttachments } from './cdn.ts';
import { createSimClock, type SimClock } from './clock.ts';
import { registerControlRoutes } from './control.routes.ts';
import type { LimitsInput, SeedInput, SettingsInput } from './control-schemas.ts';
import { seedSchema } from './control-schemas.ts';
import { type CustomerWindow, createCustomerWindow } from './customer-window.ts';
import { createFaults, type Faults } from './faults.ts';
import { createIdFactory } from './ids.ts';
import {
  type InboundMessageInput,
  type InboundMessagingInput,
  inboundMessageBody,
  inboundMessagingBody,
} from './inbound-webhooks.ts';
import { createLedger, type Ledger, type LedgerOptions } from './ledger.ts';
import { createLimits, type LimitSettings, type Limits } from './limits.ts';
import { createMediaStore, type MediaStore, mediaFactsOf } from './media.ts';
import { mediaInputOf } from './media-control-schemas.ts';
import { createOAuthCodes, type OAuthCodes } from './oauth.ts';
import { buildServer } from './server.ts';
import type { SimApp, SimContext, SimSettings } from './sim-context.ts';
import { createStatusWebhooks, type StatusWebhookSettings, type StatusWebhooks } from './status-webhooks.ts';
import { createTemplates, type Templates } from './templates.ts';

export interface MetaSimOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  logger?: Logger;
  /** Version segment used in `graphUrl` / `instagramUrl`; any `vN.N` is accepted on requests. */
  graphVersion?: string;
  app?: Partial<SimApp>;
  clock?: SimClock;
  /** Seed of the fault rules' RNG (default 1): same seed, same faulted calls. */
  seed?: number;
  latencyMs?: number;
  requireAppSecretProof?: boolean;
  enforceCustomerWindow?: boolean;
  enforceTemplates?: boolean;
  limits?: Partial<LimitSettings>;
  ledger?: LedgerOptions;
  webhooks?: StatusWebhookSettings;
  /** Accounts, tokens, templates… registered at creation and again after `reset('all')`. */
  initial?: SeedInput;
  /** Largest request body (default 5 MiB). */
  bodyLimit?: number;
}

export interface MetaSim {
  start(): Promise<{ url: string }>;
  stop(): Promise<void>;
  /** `http://127.0.0.1:PORT` (stands in for graph.facebook.com). Throws before start(). */
  readonly url: string;
  /** `${url}/v21.0`: the Graph base URL to configure clients with. */
  readonly graphUrl: string;
  /** `${url}/instagram/v21.0`: stands in for graph.instagram.com/v21.0. */
  readonly instagramUrl: string;
  /** `${url}/instagram`: api.instagram.com and the unversioned graph.instagram.com token routes. */
  readonly instagramBaseUrl: string;
  readonly app: SimApp;
  readonly accounts: Accounts;
  readonly faults: Faults;
  readonly limits: Limits;
  readonly ledger: Ledger;
  readonly window: CustomerWindow;
  readonly clock: SimClock;
  readonly templates: Templates;
  readonly media: MediaStore;
  /** Messenger / Instagram CDN stand-in: `cdn.add({ mimeType, data })` → a signed, expiring URL. */
  readonly cdn: CdnAttachments;
  readonly oauth: OAuthCodes;
  readonly business: Business;
  readonly webhooks: StatusWebhooks;
  readonly settings: Readonly<SimSettings>;
  readonly fastify: FastifyInstance;
  /** Partial update of latency, appsecret_proof, window/template enforcement, fault seed. */
  configure(settings: SettingsInput): void;
  /** Limits update; `perAccount` overrides per phone number / page / IG account. */
  setLimits(limits: LimitsInput): void;
  /** Registers everything in a seed (same shape as META_SIM_SEED_FILE and `POST /_sim/seed`). */
  seed(seed: SeedInput): void;
  /**
   * `state` (default): ledger, faults, limits, counters, 24 h window records, pending webhooks and
   * settings back to the creation options. `all`: also accounts, tokens, templates, media, codes,
   * FBE data and webhook configuration, then the `initial` seed again.
   */
  reset(scope?: 'state' | 'all'): void;
  /** hex HMAC-SHA256(token, app secret), for callers building requests. */
  appSecretProof(token: string, appSecret?: string): string;
  /**
   * A customer writes to a WhatsApp number: the signed `messages` webhook goes to the configured
   * webhook URL (by phone number, BSUID and username, or BSUID and username alone), and the customer
   * service window opens for that customer. Returns the new message's wamid.
   */
  inboundMessage(input: InboundMessageInput): { messageId: string };
  /** A customer's Messenger / Instagram message (attachment URLs from `cdn.add`) to the webhook URL. */
  inboundMessaging(input: InboundMessagingInput): { messageId: string };
}

export function createMetaSim(options: MetaSimOptions = {}): MetaSim {
  const logger = options.logger ?? createLogger({ name: 'meta-sim', level: 'warn' });
  const version = options.graphVersion ?? 'v21.0';
  const clock = options.clock ?? createSimClock();
  const app: SimApp = {
    id: '1517776481860111',
    secret: 'meta-sim-app-secret',
    name: 'OmniStream Meta Simulator',
    ...options.app,
    instagramAppId: options.app?.instagramAppId ?? options.app?.id ?? '1517776481860111',
    instagramAppSecret: options.app?.instagramAppSecret ?? options.app?.secret ?? 'meta-sim-app-secret',
  };
  const initialSettings = (): SimSettings => ({
    latencyMs: options.latencyMs ?? 0,
    requireAppSecretProof: options.requireAppSecretProof ?? false,
  });
  const settings = initialSettings();
  const ids = createIdFactory();
  const accounts = createAccounts(clock);
  const faults = createFaults(options.seed ?? 1);
  const limits = createLimits(clock, options.limits);
  const ledger = createLedger(options.ledger);
  const window = createCustomerWindow(clock, options.enforceCustomerWindow ?? false);
  const templates = createTemplates(ids);
  templates.enforceOnSend = options.enforceTemplates ?? false;
  const media = createMediaStore(ids);
  const oauth = createOAuthCodes(clock);
  const business = createBusiness();
  const webhooks = createStatusWebhooks({ clock, logger, numbers: (id) => accounts.whatsappNumber(id) });
  let baseUrl: string | undefined;
  const cdn = createCdnAttachments({
    media,
    ids,
    now: () => clock.now(),
    baseUrl: () => {
      if (baseUrl === undefined) throw new Error('meta-sim is not started');
      return baseUrl;
    },
  });

  const ctx: SimContext = {
    app,
    settings,
    clock,
    accounts,
    limits,
    faults,
    ledger,
    window,
    templates,
    media,
    cdn,
    oauth,
    business,
    webhooks,
    ids,
    logger,
    baseUrl: () => {
      if (baseUrl === undefined) throw new Error('meta-sim is not started');
      return baseUrl;
    },
  };

  const fastify = buildServer(ctx, options.bodyLimit ?? 5 * 1024 * 1024);

  function configure(next: SettingsInput): void {
    if (next.latencyMs !== undefined) settings.latencyMs = next.latencyMs;
    if (next.requireAppSecretProof !== undefined) settings.requireAppSecretProof = next.requireAppSecretProof;
    if (next.enforceCustomerWindow !== undefined) window.enforce(next.enforceCustomerWindow);
    if (next.enforceTemplates !== undefined) templates.enforceOnSend = next.enforceTemplates;
    if (next.seed !== undefined) faults.reseed(next.seed);
  }

  function setLimits(next: LimitsInput): void {
    const { perAccount, ...global } = next;
    const defined = Object.fromEntries(Object.entries(global).filter(([, v]) => v !== undefined));
    limits.set(defined as Partial<LimitSettings>);
    for (const [accountId, value] of Object.entries(perAccount ?? {})) {
      limits.setForAccount(accountId, value === 'default' ? undefined : value);
    }
  }

  function seed(input: SeedInput): void {
    const s = seedSchema.parse(input);
    for (const n of s.whatsapp ?? []) accounts.addWhatsAppNumber(n);
    for (const p of s.pages ?? []) accounts.addPage(p);
    for (const a of s.instagram ?? []) accounts.addInstagramAccount(a);
    for (const t of s.tokens ?? []) accounts.addToken(t);
    for (const { wabaId, ...t } of s.templates ?? []) templates.add(wabaId, t);
    for (const m of s.media ?? []) media.add(mediaInputOf(m));
    for (const c of s.oauthCodes ?? []) oauth.addCode(c);
    for (const i of s.fbeInstalls ?? []) business.addInstall(i);
    for (const l of s.idLinks ?? []) business.link({ ...l, appId: l.appId ?? app.id });
    for (const i of s.inbound ?? []) window.recordInbound(i);
    if (s.limits) setLimits(s.limits);
    if (s.settings) configure(s.settings);
    if (s.webhooks) webhooks.configure({ appSecret: app.secret, ...s.webhooks });
  }

  function reset(scope: 'state' | 'all' = 'state'): void {
    ledger.clear();
    faults.clear();
    faults.reseed(options.seed ?? 1);
    limits.reset();
    window.clear();
    window.enforce(options.enforceCustomerWindow ?? false);
    templates.enforceOnSend = options.enforceTemplates ?? false;
    Object.assign(settings, initialSettings());
    webhooks.cancelAll();
    if (scope === 'all') {
      accounts.clear();
      templates.clear();
      media.clear();
      cdn.clear();
      oauth.clear();
      business.clear();
      webhooks.configure(options.webhooks ?? null);
      if (options.initial) seed(options.initial);
    }
  }

  if (options.webhooks) webhooks.configure(options.webhooks);
  if (options.initial) seed(options.initial);

  const sim: MetaSim = {
    async start() {
      const address = await fastify.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
      const bound = fastify.server.address();
      const port = typeof bound === 'object' && bound ? bound.port : Number(new URL(address).port);
      const host = options.host === undefined || options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
      baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      logger.info({ url: baseUrl }, 'meta-sim listening');
      return { url: baseUrl };
    },
    async stop() {
      webhooks.close();
      await fastify.close();
    },
    get url() {
      return ctx.baseUrl();
    },
    get graphUrl() {
      return `${ctx.baseUrl()}/${version}`;
    },
    get instagramUrl() {
      return `${ctx.baseUrl()}/instagram/${version}`;
    },
    get instagramBaseUrl() {
      return `${ctx.baseUrl()}/instagram`;
    },
    app,
    accounts,
    faults,
    limits,
    ledger,
    window,
    clock,
    templates,
    media,
    cdn,
    oauth,
    business,
    webhooks,
    settings,
    fastify,
    configure,
    setLimits,
    seed,
    reset,
    appSecretProof: (token, secret) => appSecretProof(token, secret ?? app.secret),
    inboundMessage(input) {
      const number = accounts.whatsappNumber(input.phoneNumberId);
      if (number === undefined) throw new Error(`unknown phone number id ${input.phoneNumberId}`);
      const { body, messageId } = inboundMessageBody(number, input, {
        ids,
        clock,
        mediaFacts: (id) => mediaFactsOf(media.get(id)),
      });
      const from = input.customer.waId ?? input.customer.userId;
      if (from !== undefined) window.recordInbound({ from, phoneNumberId: number.phoneNumberId });
      webhooks.post(body, messageId);
      return { messageId };
    },
    inboundMessaging(input) {
      const { body, messageId } = inboundMessagingBody(input, { ids, clock });
      webhooks.post(body, messageId);
      return { messageId };
    },
  };
  registerControlRoutes(fastify, sim);
  return sim;
}
