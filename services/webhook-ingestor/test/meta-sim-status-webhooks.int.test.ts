import { createGraphClient } from '@omnistream/graph';
import { createLogger } from '@omnistream/logger';
import { createMetaSim } from '@omnistream/meta-sim';
import { readMessages, testKafka, uniqueTopic, useTestDatabase } from '@omnistream/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_SECRET, startIngestor, type TestIngestor } from './harness.ts';

// The simulator stands in for Meta in tests, benchmarks and the demo, so its status webhooks must
// pass the ingestor's real signature check, not only its own.
describe('meta-sim status webhooks through the real ingestor (real broker and PostgreSQL)', () => {
  const db = useTestDatabase();
  const logger = createLogger({ name: 'test', level: 'silent' });
  const sim = createMetaSim({ logger });
  let ingestor: TestIngestor | undefined;
  const graph = () =>
    createGraphClient({
      graphUrl: sim.graphUrl,
      instagramUrl: sim.instagramUrl,
      logger,
      timeouts: { connectMs: 2_000, headersMs: 5_000, bodyMs: 5_000 },
    });
  afterAll(async () => {
    await ingestor?.close();
    await sim.stop();
  });

  it('a send accepted by meta-sim comes back as signed sent → delivered → read status events', async () => {
    const topic = await uniqueTopic({ label: 'sim-status' });
    ingestor = await startIngestor({ brokers: testKafka().brokers, topic, pool: db.pool });
    const address = await ingestor.app.listen({ port: 0, host: '127.0.0.1' });
    await sim.start();
    sim.accounts.addWhatsAppNumber({
      phoneNumberId: '106540352242922',
      wabaId: '102290129340398',
      tokens: ['EAAGsimtoken0001'],
    });
    sim.webhooks.configure({
      webhookUrl: `${address}/webhook/whatsapp`,
      appSecret: APP_SECRET,
      statuses: ['sent', 'delivered', 'read'],
      delayMs: 10,
    });

    const client = graph();
    const sent = await client.sendWhatsApp({
      phoneNumberId: '106540352242922',
      token: 'EAAGsimtoken0001',
      to: '16505551234',
      message: { type: 'text', text: 'olá, café? https://example.com/ünïcödé' },
    });
    await client.close();
    await sim.webhooks.idle();

    const messages = await readMessages({ topic, count: 3, settleMs: 500 });
    const statuses = messages.map((m) => JSON.parse(m.text ?? '{}')).filter((e) => e.kind === 'status');
    expect(statuses.map((e) => e.payload.status).sort()).toEqual(['delivered', 'read', 'sent']);
    expect(statuses.every((e) => e.payload.messageId === sent.messageId)).toBe(true);
    expect(statuses.every((e) => e.account.id === '106540352242922' && e.contact.id === '16505551234')).toBe(
      true,
    );
    expect(sim.webhooks.stats()).toMatchObject({ delivered: 3 });
  });
});
