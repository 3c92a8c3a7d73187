import { randomBytes } from 'node:crypto';
import { createLogger } from '@omnistream/logger';
import { testKafka, useTestDatabase } from '@omnistream/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sender, settingsFor, startSender, stopSender } from '../../message-sender/test/harness.ts';
import {
  encryptionKeys,
  type GatewayWorld,
  messengerIntegration,
  startGatewayWorld,
  until,
  whatsAppIntegration,
} from './harness.ts';

/**
 * A file uploaded through the gateway is sent by its id: the api-gateway (real port), the
 * message-sender, the broker, PostgreSQL, and meta-sim in Meta's place.
 */
describe('upload, then send the file by id (api-gateway, message-sender, broker, meta-sim)', () => {
  const db = useTestDatabase();
  let world: GatewayWorld;
  let sender: Sender;
  let gatewayUrl: string;

  beforeAll(async () => {
    world = await startGatewayWorld(db.pool);
    gatewayUrl = await world.gateway.app.listen({ port: 0, host: '127.0.0.1' });
    sender = await startSender({
      logger: createLogger({ name: 'message-sender', level: 'silent' }),
      pool: db.pool,
      settings: settingsFor(world.sim, testKafka().brokers, world.topics, { encryptionKeys }),
    });
  }, 90_000);
  afterAll(async () => {
    await stopSender(sender);
    await world?.stop();
  });

  async function uploadThenSend(
    integrationId: string,
    to: string,
    file: { data: Buffer; type: string; name: string },
    message: (id: string) => Record<string, unknown>,
  ): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([file.data], { type: file.type }), file.name);
    const uploaded = await fetch(`${gatewayUrl}/admin/integrations/${integrationId}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.adminKey}` },
      body: form,
    });
    const { id } = (await uploaded.json()) as { id: string };
    expect(uploaded.status).toBe(201);
    const sent = await world.call('POST', '/admin/messages', { integrationId, to, message: message(id) });
    expect(sent.status, sent.text).toBe(202);
    await until(
      async () => (await world.call('GET', `/admin/messages/${sent.body.commandId}`)).body.status,
      (status) => status === 'sent' || status === 'delivered' || status === 'read' || status === 'failed',
      30_000,
    );
    return id;
  }

  it('sends an uploaded document to a WhatsApp contact; meta-sim received the media id', async () => {
    const wa = await whatsAppIntegration(world);
    const customer = `1650555${Math.floor(1000 + Math.random() * 8999)}`;
    const id = await uploadThenSend(
      wa.integration.id,
      customer,
      { data: randomBytes(20_000), type: 'application/pdf', name: 'invoice.pdf' },
      (mediaId) => ({ type: 'media', mediaType: 'document', id: mediaId, filename: 'invoice.pdf' }),
    );
    const [send] = world.sim.ledger.entries({ to: customer });
    expect(send?.body).toMatchObject({ type: 'document', document: { id, filename: 'invoice.pdf' } });
    expect(world.sim.media.uploads().find((u) => u.id === id)?.accountId).toBe(wa.phoneNumberId);
  });

  it('sends an uploaded picture to a Messenger contact by its attachment id', async () => {
    const page = await messengerIntegration(world);
    const psid = `2${randomBytes(6).readUIntBE(0, 6)}`;
    const id = await uploadThenSend(
      page.integration.id,
      psid,
      { data: randomBytes(10_000), type: 'image/png', name: 'map.png' },
      (attachmentId) => ({ type: 'media', mediaType: 'image', id: attachmentId }),
    );
    const [send] = world.sim.ledger.entries({ to: psid });
    expect(send?.body).toMatchObject({
      message: { attachment: { type: 'image', payload: { attachment_id: id } } },
    });
    expect(world.sim.media.uploads().find((u) => u.id === id)?.accountId).toBe(page.pageId);
  });
});
