// `pnpm meta-sim`: the simulator as a process, for the local demo and benchmarks.
import { readFileSync } from 'node:fs';
import { loadConfigOrExit } from '@omnistream/config';
import { createLogger, createRedactor } from '@omnistream/logger';
import { installGracefulShutdown } from '@omnistream/service-kit';
import { metaSimConfigSchema } from './config.ts';
import { seedSchema } from './control-schemas.ts';
import { createMetaSim } from './meta-sim.ts';

const config = loadConfigOrExit(metaSimConfigSchema, 'meta-sim');
const redactor = createRedactor([config.META_APP_SECRET, config.INSTAGRAM_APP_SECRET]);
const logger = createLogger({ name: 'meta-sim', level: config.LOG_LEVEL, redactor });

let initial: ReturnType<typeof seedSchema.parse> | undefined;
if (config.META_SIM_SEED_FILE) {
  try {
    initial = seedSchema.parse(JSON.parse(readFileSync(config.META_SIM_SEED_FILE, 'utf8')));
  } catch (err) {
    // Through the logger: a seed file holds tokens, and a parse error may quote them.
    logger.fatal({ err, file: config.META_SIM_SEED_FILE }, 'cannot use META_SIM_SEED_FILE');
    process.exit(2);
  }
}

const sim = createMetaSim({
  port: config.META_SIM_PORT,
  host: config.META_SIM_HOST,
  logger,
  graphVersion: config.META_SIM_GRAPH_VERSION,
  seed: config.META_SIM_SEED,
  latencyMs: config.META_SIM_LATENCY_MS,
  app: {
    id: config.META_APP_ID,
    secret: config.META_APP_SECRET,
    instagramAppSecret: config.INSTAGRAM_APP_SECRET ?? config.META_APP_SECRET,
  },
  ...(initial ? { initial } : {}),
  ...(config.META_SIM_WEBHOOK_URL
    ? {
        webhooks: {
          webhookUrl: config.META_SIM_WEBHOOK_URL,
          appSecret: config.META_APP_SECRET,
          delayMs: config.META_SIM_WEBHOOK_DELAY_MS,
        },
      }
    : {}),
});

installGracefulShutdown({
  logger,
  timeoutMs: 5_000,
  steps: [{ name: 'stop meta-sim', run: () => sim.stop() }],
});

await sim.start();
const accounts = sim.accounts.snapshot();
console.log(`meta-sim listening on ${sim.url}
  graph.facebook.com   → ${sim.graphUrl}
  graph.instagram.com  → ${sim.instagramUrl}
  api.instagram.com    → ${sim.instagramBaseUrl}
  control API          → ${sim.url}/_sim (GET /_sim/state)
  accounts             : ${accounts.whatsapp.length} WhatsApp numbers, ${accounts.pages.length} pages, ${accounts.instagram.length} Instagram accounts, ${accounts.tokens.length} tokens
  status webhooks      : ${config.META_SIM_WEBHOOK_URL ?? 'off (PUT /_sim/webhooks to enable)'}`);
