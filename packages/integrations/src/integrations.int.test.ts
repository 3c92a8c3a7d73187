import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { withTransaction } from '@omnistream/db';
import { useTestDatabase } from '@omnistream/testing';
import { describe, expect, it } from 'vitest';
import {
  createIntegrationsRepository,
  createTokenCipher,
  IntegrationConflictError,
  type IntegrationsRepository,
} from './index.ts';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const phone = () => String(100000000000 + Math.floor(Math.random() * 1e11));

describe('integrations repository (real PostgreSQL)', () => {
  const db = useTestDatabase();
  const repo = (keys = [k1]): IntegrationsRepository =>
    createIntegrationsRepository({ pool: db.pool, cipher: createTokenCipher(keys) });

  it('stores the token only encrypted and shows admins its last four characters', async () => {
    const created = await repo().create({
      channel: 'whatsapp',
      phoneNumberId: phone(),
      wabaId: '111',
      token: 'EAAGsecretTokenABCD',
    });
    expect(created).toMatchObject({
      channel: 'whatsapp',
      status: 'active',
      needsReauth: false,
      tokenLast4: 'ABCD',
      tokenKeyId: 'k1',
    });
    expect(JSON.stringify(created)).not.toContain('EAAGsecretTokenABCD');
    const { rows } = await db.pool.query('SELECT * FROM integrations WHERE id = $1', [created.id]);
    expect(JSON.stringify(rows[0])).not.toContain('EAAGsecretToken');
    const active = await repo().loadActiveTokens();
    expect(active.find((a) => a.integration.id === created.id)?.token).toBe('EAAGsecretTokenABCD');
  });

  it('allows one active integration per channel and account, but reconnecting after disable', async () => {
    const number = phone();
    const first = await repo().create({
      channel: 'whatsapp',
      phoneNumberId: number,
      token: 'token-one-1111',
    });
    await expect(
      repo().create({ channel: 'whatsapp', phoneNumberId: number, token: 'token-two-2222' }),
    ).rejects.toBeInstanceOf(IntegrationConflictError);
    // The same id on another channel is another account.
    await repo().create({ channel: 'messenger', pageId: number, token: 'page-token-3333' });
    await repo().update(first.id, { status: 'disabled' });
    const again = await repo().create({
      channel: 'whatsapp',
      phoneNumberId: number,
      token: 'token-three-4444',
    });
    expect(again.status).toBe('active');
  });

  it('refuses a row without the account id its channel routes by', async () => {
    await expect(repo().create({ channel: 'instagram', pageId: '1', token: 'x-token-1234' })).rejects.toThrow(
      /integrations_account_id_present/,
    );
  });

  it('rotates a token: new value, rotated_at set, needs_reauth cleared', async () => {
    const created = await repo().create({
      channel: 'instagram',
      igUserId: phone(),
      token: 'old-ig-token-0000',
      tokenType: 'instagram_user',
    });
    await repo().update(created.id, { needsReauth: true });
    const rotated = await repo().rotateToken(created.id, { token: 'new-ig-token-9999' });
    expect(rotated).toMatchObject({ tokenLast4: '9999', needsReauth: false, tokenType: 'instagram_user' });
    expect(rotated?.rotatedAt).toBeInstanceOf(Date);
    expect((await repo().loadActiveTokens()).find((a) => a.integration.id === created.id)?.token).toBe(
      'new-ig-token-9999',
    );
    expect(await repo().rotateToken('not-a-uuid', { token: 'whatever-1234' })).toBeNull();
  });

  it('regression: a refusal or a check of the old token never marks a token rotated in between', async () => {
    const before = await repo().create({
      channel: 'whatsapp',
      phoneNumberId: phone(),
      token: 'old-token-aaaa1111',
    });
    // The admin rotates while a sender still holds the old token (its poll is up to 30 s old)…
    const rotated = await repo().rotateToken(before.id, { token: 'new-token-bbbb2222' });
    // …and then Meta refuses the old one: the new token must not be flagged.
    expect(await repo().flagNeedsReauth(before.id, before, { message: 'refused', code: 190 })).toBe(false);
    expect((await repo().get(before.id))?.needsReauth).toBe(false);
    // A token check of the old token that finishes late records nothing on the new one.
    const stale = await repo().recordVerification(
      before.id,
      { ok: false, error: { message: 'expired', code: 190 } },
      before,
    );
    expect(stale?.connectionStatus).toBe('pending');
    expect(stale?.connectionError).toBeNull();
    // The current token's refusal and check are recorded.
    expect(rotated).not.toBeNull();
    if (!rotated) return;
    expect(await repo().flagNeedsReauth(before.id, rotated, { message: 'refused', code: 190 })).toBe(true);
    expect(await repo().get(before.id)).toMatchObject({
      needsReauth: true,
      connectionStatus: 'error',
      connectionError: { message: 'refused', code: 190 },
    });
    const checked = await repo().recordVerification(before.id, { ok: true }, rotated);
    expect(checked).toMatchObject({ connectionStatus: 'connected', needsReauth: false });
  });

  it('lists with filters and cursor pagination, visiting every row once', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 7; i++)
      ids.add(
        (await repo().create({ channel: 'messenger', pageId: phone(), token: `page-token-${i}000` })).id,
      );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await repo().list({ channel: 'messenger', status: 'active', limit: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      expect(page.items.every((i) => i.channel === 'messenger' && i.status === 'active')).toBe(true);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of ids) expect(seen).toContain(id);
    await expect(repo().list({ cursor: 'garbage' })).rejects.toThrow(/invalid pagination cursor/);
  });

  it("bound to a transaction's client: finds the account's active row locked, and its writes roll back together", async () => {
    const pageId = phone();
    const existing = await repo().create({ channel: 'messenger', pageId, token: 'page-token-1111' });
    const cipher = createTokenCipher([k1]);
    const failed = withTransaction(db.pool, async (client) => {
      const inTx = createIntegrationsRepository({ pool: client, cipher });
      const found = await inTx.findActiveForUpdate({ channel: 'messenger', accountId: pageId });
      expect(found?.id).toBe(existing.id);
      // Another writer cannot take the row while this transaction holds it.
      await expect(
        db.pool.query('SELECT id FROM integrations WHERE id = $1 FOR UPDATE NOWAIT', [existing.id]),
      ).rejects.toMatchObject({ code: '55P03' });
      expect(await inTx.findActiveForUpdate({ channel: 'messenger', accountId: phone() })).toBeNull();
      await inTx.rotateToken(existing.id, { token: 'page-token-2222' });
      await inTx.create({ channel: 'instagram', igUserId: pageId, token: 'ig-token-3333' });
      throw new Error('abandon the onboarding');
    });
    await expect(failed).rejects.toThrow('abandon the onboarding');
    expect((await repo().get(existing.id))?.tokenLast4).toBe('1111');
    const { rows } = await db.pool.query('SELECT 1 FROM integrations WHERE ig_user_id = $1', [pageId]);
    expect(rows).toHaveLength(0);
  });

  it('key rotation: old rows still decrypt, re-encryption moves every row to the newest key', async () => {
    const created = await repo([k1]).create({
      channel: 'whatsapp',
      phoneNumberId: phone(),
      token: 'rotate-me-token-5678',
    });
    // An FBE install's two tokens (api-gateway, migration 005) are covered by the same rotation.
    const fbe = (token: string) => createTokenCipher([k1]).encrypt(token);
    const [webhookToken, systemUserToken] = [fbe('fbe-webhook-token-1'), fbe('fbe-system-user-token-2')];
    await db.pool.query(
      `INSERT INTO fbe_installations (external_business_id, status, token_ciphertext, token_key_id, token_last4,
         system_user_token_ciphertext, system_user_token_key_id, system_user_token_last4, last_event_at)
       VALUES ('ext-biz-1', 'installed', $1, $2, 'en-1', $3, $4, 'en-2', now())`,
      [webhookToken.ciphertext, webhookToken.keyId, systemUserToken.ciphertext, systemUserToken.keyId],
    );
    const rotatedKeys = repo([k2, k1]);
    expect((await rotatedKeys.loadActiveTokens()).find((a) => a.integration.id === created.id)?.token).toBe(
      'rotate-me-token-5678',
    );
    const { reencrypted } = await rotatedKeys.reencryptAll();
    expect(reencrypted).toBeGreaterThanOrEqual(1);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM integrations WHERE token_key_id <> 'k2'`,
    );
    expect(rows[0].n).toBe(0);
    const { rows: fbeRows } = await db.pool.query(
      `SELECT token_ciphertext, token_key_id, system_user_token_ciphertext, system_user_token_key_id
       FROM fbe_installations WHERE external_business_id = 'ext-biz-1'`,
    );
    const onlyK2 = createTokenCipher([k2]);
    expect(onlyK2.decrypt({ ciphertext: fbeRows[0].token_ciphertext, keyId: fbeRows[0].token_key_id })).toBe(
      'fbe-webhook-token-1',
    );
    expect(
      onlyK2.decrypt({
        ciphertext: fbeRows[0].system_user_token_ciphertext,
        keyId: fbeRows[0].system_user_token_key_id,
      }),
    ).toBe('fbe-system-user-token-2');
    // k1 can now be dropped from the configuration.
    expect((await repo([k2]).loadActiveTokens()).find((a) => a.integration.id === created.id)?.token).toBe(
      'rotate-me-token-5678',
    );
    expect(await rotatedKeys.reencryptAll()).toEqual({ reencrypted: 0 });
  });

  it('`pnpm keys:reencrypt` re-encrypts under the newest key from the environment', async () => {
    await repo([k1]).create({ channel: 'whatsapp', phoneNumberId: phone(), token: 'cli-token-abcd' });
    const keys = `k2:${k2.key.toString('base64')},k1:${k1.key.toString('base64')}`;
    const cli = fileURLToPath(new URL('./reencrypt-cli.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [cli], {
      env: { PATH: process.env.PATH, DATABASE_URL: db.url, TOKEN_ENCRYPTION_KEYS: keys, LOG_LEVEL: 'info' },
    });
    expect(stdout).toContain('tokens re-encrypted under the newest key');
    expect(stdout).not.toContain('cli-token-abcd');
    const { rows } = await db.pool.query(`SELECT DISTINCT token_key_id FROM integrations`);
    expect(rows.map((r) => r.token_key_id)).toEqual(['k2']);
  });
});
