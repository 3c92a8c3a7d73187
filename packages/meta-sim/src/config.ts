import { logBlock, z } from '@omnistream/config';

// Environment of `pnpm meta-sim`. Only the CLI loads it (loadConfigOrExit).
export const metaSimConfigSchema = z.object({
  ...logBlock,
  /** Port of the simulator; the demo and benchmarks point META_API_URL at it. */
  META_SIM_PORT: z.coerce.number().int().min(0).max(65535).default(4010),
  /** Interface to bind; 127.0.0.1 keeps the fake Graph API off the network. */
  META_SIM_HOST: z.string().min(1).default('127.0.0.1'),
  /** Added to every Graph call: a realistic floor for benchmarks (Meta answers in tens of ms). */
  META_SIM_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  /** Where to POST signed WhatsApp status webhooks (sent/delivered/read); none when unset. */
  META_SIM_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Pause before each status webhook of a message. */
  META_SIM_WEBHOOK_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(200),
  /** App Secret: signs webhooks, keys appsecret_proof, forms the app token `{app-id}|{secret}`. */
  META_APP_SECRET: z.string().min(1).default('meta-sim-app-secret'),
  /** App id the simulator pretends to be (debug_token, OAuth client_id). */
  META_APP_ID: z.string().regex(/^\d+$/).default('1517776481860111'),
  /** Instagram Login app secret; defaults to META_APP_SECRET. */
  INSTAGRAM_APP_SECRET: z.string().min(1).optional(),
  /** JSON file of accounts, tokens, templates… to register at start (see README). */
  META_SIM_SEED_FILE: z.string().min(1).optional(),
  /** Seed of the fault rules' RNG, for reproducible chaos runs. */
  META_SIM_SEED: z.coerce.number().int().default(1),
  /** Version segment in the printed URLs (any vN.N is accepted on requests). */
  META_SIM_GRAPH_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .default('v21.0'),
});

export type MetaSimConfig = z.output<typeof metaSimConfigSchema>;
