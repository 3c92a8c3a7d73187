import type { Pool } from '@omnistream/db';
import { createLogger } from '@omnistream/logger';
import { testKafka } from '@omnistream/testing';
import {
  type Sender,
  type SenderSettings,
  settingsFor,
  startSender,
  stopSender,
} from '../../message-sender/test/harness.ts';
import {
  APP_SECRET as INGESTOR_APP_SECRET,
  startIngestor,
  type TestIngestor,
} from '../../webhook-ingestor/test/harness.ts';
import { encryptionKeys, type GatewayWorld } from './harness.ts';

export interface WholeStack {
  ingestor: TestIngestor;
  sender: Sender;
  stop(): Promise<void>;
}

/**
 * The other two services next to a gateway world, wired as their main.ts wires them: the
 * webhook-ingestor on a real port (meta-sim's WhatsApp webhooks, signed sent → delivered → read
 * statuses included, go to it) and the message-sender, both on the world's topics and tokens.
 */
export async function startWholeStack(
  world: GatewayWorld,
  pool: Pool,
  options: { statusDelayMs?: number; sender?: Partial<SenderSettings> } = {},
): Promise<WholeStack> {
  const brokers = testKafka().brokers;
  const ingestor = await startIngestor({
    brokers,
    topic: world.topics.inbound,
    pool,
    settings: { encryptionKeys },
  });
  const address = await ingestor.app.listen({ port: 0, host: '127.0.0.1' });
  world.sim.webhooks.configure({
    webhookUrl: `${address}/webhook/whatsapp`,
    appSecret: INGESTOR_APP_SECRET,
    statuses: ['sent', 'delivered', 'read'],
    delayMs: options.statusDelayMs ?? 5,
  });
  const sender = await startSender({
    logger: createLogger({ name: 'message-sender', level: 'silent' }),
    pool,
    settings: settingsFor(world.sim, brokers, world.topics, { encryptionKeys, ...options.sender }),
  });
  return {
    ingestor,
    sender,
    async stop() {
      await stopSender(sender);
      await ingestor.app.close();
      await ingestor.close();
    },
  };
}
