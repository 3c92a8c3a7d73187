import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { createIntegrationsRepository, createTokenCipher } from '@omnistream/integrations';
import { createLogger } from '@omnistream/logger';
import { testKafka, useTestDatabase } from '@omnistream/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collect,
  command,
  commandProducer,
  type Sender,
  settingsFor,
  startSender,
  stopSender,
} from '../../message-sender/test/harness.ts';
import { encryptionKeys, type GatewayWorld, gatewaySettings, startGatewayWorld, until } from './harness.ts';

/** The next key; the harness's gateway encrypts under k1. */
const k2 = { id: 'k2', key: randomBytes(32) };

describe('token rotation through the admin API, with a running message-sender', () => {
  const db = useTestDatabase();
  let world: GatewayWorld;
  let sender: Sender;
  let producer: Awaited<ReturnType<typeof commandProducer>>;
  let results: Awaited<ReturnType<typeof collect>>;
  const senderLogs: string[] = [];
  const account = { phoneNumberId: `1065${Date.now() % 1e9}`, wabaId: `1022${Date.now() % 1e9}` };
  const tokenA = `EAAGtokenA${randomUUID().replaceAll('-', '')}`;
  const tokenB = `EAAGtokenB${randomUUID().replaceAll('-', '')}`;
  let integrationId: string;

  const resultOf = (commandId: string) =>
    results.of(world.topics.outboundResults).find((r) => r.commandId === commandId);
  // meta-sim limits messages to one recipient in a short time as Meta does: tests send to their own.
  async function send(text: string, to = '16505550199') {
    const cmd = command(integrationId, 'whatsapp', to, { type: 'text', text });
    await producer.send(cmd);
    const result = await until(
      () => resultOf(cmd.commandId),
      (r) => r !== undefined,
      20_000,
    );
    const entry = world.sim.ledger
      .entries({ to })
      .find((e) => (e.body as { text?: { body?: string } }).text?.body === text);
    return { result, entry };
  }

  beforeAll(async () => {
    // The gateway's own token poll is slowed down: it must pick up a rotation without it.
    world = await startGatewayWorld(db.pool, { integrationsPollIntervalMs: 3_600_000 });
    world.sim.accounts.addWhatsAppNumber({ ...account, tokens: [tokenA] });
    const brokers = testKafka().brokers;
    const logger = createLogger({
      name: 'message-sender',
      level: 'info',
      destination: new Writable({
        write(chunk, _e, cb) {
          senderLogs.push(...String(chunk).split('\n').filter(Boolean));
          cb();
        },
      }),
    });
    // The sender is deployed with the next key list first (k2, k1): it reads tokens under either,
    // so re-encrypting under k2 later needs no restart.
    [sender, producer, results] = await Promise.all([
      startSender({
        settings: settingsFor(world.sim, brokers, world.topics, { encryptionKeys: [k2, ...encryptionKeys] }),
        logger,
        pool: db.pool,
      }),
      commandProducer(brokers, world.topics.outbound),
      collect(brokers, [world.topics.outboundResults]),
    ]);
  }, 60_000);
  afterAll(async () => {
    await stopSender(sender);
    await producer?.close();
    await results?.close();
    await world?.stop();
  });

  it('sends with token A, then with token B once the admin rotated it and Meta revoked A, without a restart', async () => {
    const created = await world.call('POST', '/admin/integrations', {
      channel: 'whatsapp',
      businessManagerId: '330000000001',
      ...account,
      token: tokenA,
    });
    expect(created.status).toBe(201);
    expect(created.body.connectionStatus).toBe('connected');
    integrationId = created.body.id;

    // The sender polls integrations every 100 ms; the first send may wait for it to see the row.
    const before = await send('before the rotation');
    expect(before.result).toMatchObject({ outcome: 'sent' });
    expect(before.entry?.tokenLast4).toBe(tokenA.slice(-4));

    // The admin issues token B in Business Manager and hands it to the gateway…
    world.sim.accounts.addToken({ token: tokenB, accounts: [account.phoneNumberId, account.wabaId] });
    const rotated = await world.call('PUT', `/admin/integrations/${integrationId}/token`, { token: tokenB });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({
      tokenLast4: tokenB.slice(-4),
      connectionStatus: 'connected',
      needsReauth: false,
    });
    expect(Date.parse(rotated.body.rotatedAt)).toBeGreaterThan(Date.parse(created.body.createdAt) - 1);
    // The gateway's own Graph calls (templates, token checks) use B from now on.
    expect(world.gateway.tokenProvider.byIntegrationId(integrationId)?.token).toBe(tokenB);
    // …and Meta stops accepting A at once.
    world.sim.accounts.revokeToken(tokenA, 'invalidated');

    const after = await send('after the rotation');
    expect(after.result).toMatchObject({ outcome: 'sent' });
    expect(after.entry?.tokenLast4).toBe(tokenB.slice(-4));
    expect(
      world.sim.ledger.entries({ to: '16505550199' }).map((e) => e.tokenLast4),
      'every accepted message, in order',
    ).toEqual([tokenA.slice(-4), tokenB.slice(-4)]);
    expect(senderLogs.some((l) => l.includes('integration token rotated; new token in use'))).toBe(true);
    for (const line of [...senderLogs, ...world.logs]) {
      expect(line.includes(tokenA) || line.includes(tokenB)).toBe(false);
    }
  });

  it("refuses a token Meta rejects with 400 and Meta's reason, and keeps sending with the current one", async () => {
    const unknown = `EAAGnotIssued${randomUUID().replaceAll('-', '')}`;
    const refused = await world.call('PUT', `/admin/integrations/${integrationId}/token`, { token: unknown });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'GW_TOKEN_REJECTED', meta: { code: 190 } });
    expect(refused.body.error.message).toBe(
      'Meta refused the new token: Invalid OAuth access token - Cannot parse access token. Nothing changed: the current token stays in use.',
    );
    const shown = await world.call('GET', `/admin/integrations/${integrationId}`);
    expect(shown.body).toMatchObject({ tokenLast4: tokenB.slice(-4), connectionStatus: 'connected' });
    expect(world.gateway.tokenProvider.byIntegrationId(integrationId)?.token).toBe(tokenB);

    const still = await send('after a refused rotation', '16505550198');
    expect(still.result).toMatchObject({ outcome: 'sent' });
    expect(still.entry?.tokenLast4).toBe(tokenB.slice(-4));
  });

  it('changes nothing while Meta cannot check the new token, unless the admin forces it', async () => {
    const tokenC = `EAAGtokenC${randomUUID().replaceAll('-', '')}`;
    world.sim.accounts.addToken({ token: tokenC, accounts: [account.phoneNumberId, account.wabaId] });
    const outage = world.sim.faults.add({ match: { pathPattern: '**/me' }, action: { type: 'reset' } });
    try {
      const unchecked = await world.call('PUT', `/admin/integrations/${integrationId}/token`, {
        token: tokenC,
      });
      expect(unchecked.status).toBe(502);
      expect(unchecked.body.error.code).toBe('GW_UPSTREAM');
      expect(unchecked.body.error.message).toMatch(
        /Nothing changed: the current token stays in use\..*force=true/,
      );
      expect((await world.call('GET', `/admin/integrations/${integrationId}`)).body.tokenLast4).toBe(
        tokenB.slice(-4),
      );

      const forced = await world.call('PUT', `/admin/integrations/${integrationId}/token?force=true`, {
        token: tokenC,
      });
      expect(forced.status).toBe(200);
      expect(forced.body).toMatchObject({ tokenLast4: tokenC.slice(-4), connectionStatus: 'pending' });
      expect(forced.body.verificationDeferred).toMatch(/^Meta could not check the token now/);
    } finally {
      world.sim.faults.remove(outage.id);
    }
    expect(world.gateway.tokenProvider.byIntegrationId(integrationId)?.token).toBe(tokenC);

    // Back to B, checked, for the re-encryption below.
    const back = await world.call('PUT', `/admin/integrations/${integrationId}/token`, { token: tokenB });
    expect(back.body).toMatchObject({ tokenLast4: tokenB.slice(-4), connectionStatus: 'connected' });
  });

  it('re-encrypts every token under the new key, after which the old key is no longer needed', async () => {
    // Rows under k1 now: this file's integration and one more.
    world.sim.accounts.addPage({ pageId: '555000000042', tokens: ['EAAGpageTokenForReencrypt42'] });
    await world.call('POST', '/admin/integrations', {
      channel: 'messenger',
      pageId: '555000000042',
      token: 'EAAGpageTokenForReencrypt42',
    });
    const keyIds = async () =>
      (
        await db.pool.query<{ token_key_id: string }>('SELECT token_key_id FROM integrations ORDER BY id')
      ).rows.map((r) => r.token_key_id);
    expect(await keyIds()).toEqual(['k1', 'k1']);

    // The gateway restarted with TOKEN_ENCRYPTION_KEYS=k2,k1 (and the same Meta).
    const rotatedGateway = await startGatewayWorld(db.pool, {
      encryptionKeys: [k2, ...encryptionKeys],
      graph: gatewaySettings(world.sim, world.topics).graph,
    });
    try {
      const first = await rotatedGateway.call('POST', '/admin/keys/reencrypt');
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ reencrypted: 2 });
      expect(await keyIds()).toEqual(['k2', 'k2']);
      expect((await rotatedGateway.call('POST', '/admin/keys/reencrypt')).body).toEqual({ reencrypted: 0 });

      // Without k1 every token still decrypts to what the admin gave.
      const onlyK2 = createIntegrationsRepository({ pool: db.pool, cipher: createTokenCipher([k2]) });
      const stored = await onlyK2.loadActiveTokens();
      expect(stored.map((s) => s.token).sort()).toEqual(['EAAGpageTokenForReencrypt42', tokenB].sort());
      const verified = await rotatedGateway.call('POST', `/admin/integrations/${integrationId}/verify`);
      expect(verified.body.connectionStatus).toBe('connected');

      // The running sender keeps sending with the re-encrypted token.
      const later = await send('after re-encryption');
      expect(later.result).toMatchObject({ outcome: 'sent' });
      expect(later.entry?.tokenLast4).toBe(tokenB.slice(-4));
      expect(rotatedGateway.logs.join('\n')).not.toContain(tokenB);
    } finally {
      await rotatedGateway.stop();
    }
  });
});
