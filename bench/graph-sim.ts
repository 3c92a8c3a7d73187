// Child process of `pnpm bench:graph`: meta-sim with zero latency and every limit lifted, so the
// benchmark measures the Graph client and the HTTP path, not the simulated Meta limits.
// Relative imports of the packages' entry files: bench/ is not a workspace package.
import { createLogger } from '../packages/logger/src/index.ts';
import { createMetaSim } from '../packages/meta-sim/src/index.ts';

export interface GraphSimSetup {
  phoneNumberId: string;
  wabaId: string;
  token: string;
  appSecret: string;
}

const setup = JSON.parse(process.argv[2] ?? '{}') as GraphSimSetup;

const sim = createMetaSim({
  logger: createLogger({ name: 'meta-sim', level: 'warn' }),
  latencyMs: 0,
  limits: {
    whatsappPerSecond: Number.POSITIVE_INFINITY,
    whatsappPairBurst: Number.POSITIVE_INFINITY,
    messengerPerSecond: Number.POSITIVE_INFINITY,
    instagramPerSecond: Number.POSITIVE_INFINITY,
  },
  // Totals stay exact past capacity; a small ring keeps the child's memory flat over 150k sends.
  ledger: { capacity: 10_000 },
  app: { secret: setup.appSecret },
  initial: {
    whatsapp: [{ phoneNumberId: setup.phoneNumberId, wabaId: setup.wabaId, tokens: [setup.token] }],
  },
});

await sim.start();
process.stdout.write(
  `${JSON.stringify({ ready: true, url: sim.url, graphUrl: sim.graphUrl, instagramUrl: sim.instagramUrl })}\n`,
);

const stop = async () => {
  await sim.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
