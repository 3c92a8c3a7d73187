import { randomBytes, randomUUID } from 'node:crypto';
import type { Pool } from '@omnistream/db';
import type { SendCommand } from '@omnistream/events';
import { createIntegrationsRepository, createTokenCipher } from '@omnistream/integrations';
import { createKafka, createProducer, type TopicNames } from '@omnistream/kafka';
import { createLogger } from '@omnistream/logger';
import { createMetaSim, type MetaSim } from '@omnistream/meta-sim';
import { until } from '@omnistream/testing';
import type { Sender, SenderSettings } from '../src/sender.ts';

export const encryptionKeys = [{ id: 'k1', key: randomBytes(32) }];
export const logger = createLogger({
  name: 'message-sender',
  level: process.env.TEST_LOG_LEVEL === 'debug' ? 'debug' : 'silent',
});

export function settingsFor(
  sim: MetaSim,
  brokers: string[],
  topics: TopicNames,
  overrides: Partial<SenderSettings> = {},
): SenderSettings {
  return {
    brokers,
    clientId: 'sender-test',
    groupId: `sender-test-${randomUUID().slice(0, 8)}`,
    topics: {
      outbound: topics.outbound,
      results: topics.outboundResults,
      dlq: topics.outboundDlq,
      inbound: topics.inbound,
    },
    graph: {
      graphUrl: sim.graphUrl,
      instagramUrl: sim.instagramUrl,
      timeouts: { connectMs: 2_000, headersMs: 3_000, bodyMs: 3_000 },
      connections: 16,
    },
    send: {
      maxAttempts: 3,
      minDelayMs: 50,
      maxDelayMs: 200,
      reauthWaitMs: 4_000,
      reauthPollMs: 100,
      claimPollMs: 100,
    },
    claimLeaseMs: 5_000,
    rateLimits: {
      whatsappPerNumberPerSecond: 1_000,
      whatsappPerRecipientPerSecond: 100,
      whatsappPerRecipientBurst: 100,
      messengerPerPagePerSecond: 1_000,
      instagramPerAccountPerSecond: 1_000,
    },
    maxConcurrentChats: 50,
    maxBuffered: 1_000,
    integrationsPollIntervalMs: 100,
    encryptionKeys,
    ...overrides,
  };
}

/** meta-sim with one account per channel, their integrations in PostgreSQL, and a command producer. */
export async function startWorld(pool: Pool) {
  const sim = createMetaSim({ logger });
  await sim.start();
  sim.setLimits({
    whatsappPerSecond: Infinity,
    whatsappPairIntervalMs: 1,
    whatsappPairBurst: 1_000_000,
    messengerPerSecond: Infinity,
    instagramPerSecond: Infinity,
  });
  const suffix = String(Math.floor(Math.random() * 1e9));
  const ids = { phone: `1065${suffix}`, waba: `1022${suffix}`, page: `5550${suffix}`, ig: `1784${suffix}` };
  const tokens = {
    whatsapp: `EAAGwa${suffix}tok0001`,
    page: `EAAGpage${suffix}tok0002`,
    ig: `IGQWig${suffix}tok0003`,
  };
  sim.accounts.addWhatsAppNumber({ phoneNumberId: ids.phone, wabaId: ids.waba, tokens: [tokens.whatsapp] });
  sim.accounts.addPage({ pageId: ids.page, tokens: [tokens.page] });
  sim.accounts.addInstagramAccount({ igUserId: ids.ig, tokens: [tokens.ig] });
  const repo = createIntegrationsRepository({ pool, cipher: createTokenCipher(encryptionKeys) });
  const integrations = {
    whatsapp: await repo.create({
      channel: 'whatsapp',
      phoneNumberId: ids.phone,
      wabaId: ids.waba,
      token: tokens.whatsapp,
    }),
    messenger: await repo.create({
      channel: 'messenger',
      pageId: ids.page,
      token: tokens.page,
      tokenType: 'page',
    }),
    instagram: await repo.create({
      channel: 'instagram',
      igUserId: ids.ig,
      token: tokens.ig,
      tokenType: 'instagram_user',
    }),
  };
  return { sim, ids, tokens, integrations, repo };
}

export async function commandProducer(brokers: string[], topic: string) {
  const kafka = createKafka({ brokers, clientId: 'sender-test-producer', logger });
  const producer = createProducer({ kafka, logger });
  await producer.connect();
  return {
    async send(...commands: unknown[]) {
      await producer.send(
        topic,
        commands.map((c) => {
          const cmd = c as Partial<SendCommand>;
          return {
            key: `${cmd.integrationId ?? 'x'}:${cmd.to ?? 'x'}`,
            value: typeof c === 'string' ? c : JSON.stringify(c),
          };
        }),
      );
    },
    close: () => producer.disconnect(),
  };
}

export function command(
  integrationId: string,
  channel: SendCommand['channel'],
  to: string,
  message: SendCommand['message'],
  extra: Partial<SendCommand> = {},
): SendCommand {
  return {
    schemaVersion: 1,
    commandId: randomUUID(),
    integrationId,
    channel,
    to,
    message,
    createdAt: new Date().toISOString(),
    ...extra,
  } as SendCommand;
}

export async function stopSender(sender: Sender | undefined) {
  if (!sender) return;
  for (const step of sender.shutdownSteps) await step.run();
}

/** One consumer collecting the results and dead letters topics for the whole test file. */
export async function collect(brokers: string[], topics: string[]) {
  const { Kafka, logLevel } = await import('kafkajs');
  const kafka = new Kafka({ brokers, clientId: 'sender-test-collector', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `collector-${randomUUID()}`, maxWaitTimeInMs: 200 });
  const byTopic = new Map<string, Record<string, unknown>[]>(topics.map((t) => [t, []]));
  await consumer.connect();
  for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
  });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      byTopic.get(topic)?.push(JSON.parse(message.value?.toString('utf8') ?? 'null'));
    },
  });
  await until(() => joined, Boolean, 20_000);
  return {
    of: (topic: string) => byTopic.get(topic) ?? [],
    close: () => consumer.disconnect(),
  };
}

// Other services' tests start a real sender through this harness, never through ../src.
export { type Sender, type SenderSettings, startSender } from '../src/sender.ts';
export { until };
