import { type Pool, withTransaction } from '@omnistream/db';
import { createIntegrationsRepository, type TokenCipher, type TokenType } from '@omnistream/integrations';

export interface AccountToConnect {
  channel: 'instagram' | 'messenger';
  /** IG professional account id or Page id: what webhooks and sends are routed by. */
  accountId: string;
  name: string | null;
  token: string;
  tokenType: TokenType;
  tokenExpiresAt: Date | null;
}

export interface ConnectedAccount {
  integrationId: string;
  channel: 'instagram' | 'messenger';
  accountId: string;
  name: string | null;
  /** created: a new integration; updated: the active one of that account got the new token. */
  action: 'created' | 'updated';
  tokenExpiresAt: Date | null;
}

export interface IntegrationWriter {
  /**
   * Creates an integration per account, or gives the account's active integration the new token,
   * all in one transaction: either every account of an authorization is connected or none is.
   * Each row is marked connected, since Meta just accepted its token during onboarding.
   */
  connectAll(accounts: readonly AccountToConnect[]): Promise<ConnectedAccount[]>;
}

export function createIntegrationWriter(deps: { pool: Pool; cipher: TokenCipher }): IntegrationWriter {
  return {
    connectAll(accounts) {
      // Locks are taken in one order (by channel and account), so two authorizations covering the
      // same Pages cannot deadlock; the later one waits, then updates what the first created.
      const ordered = [...accounts].sort((a, b) =>
        `${a.channel}:${a.accountId}`.localeCompare(`${b.channel}:${b.accountId}`),
      );
      return withTransaction(deps.pool, async (client) => {
        // The repository only issues single statements through `query`, so bound to the
        // transaction's client every write below commits or rolls back together.
        const repository = createIntegrationsRepository({ pool: client, cipher: deps.cipher });
        const connected: ConnectedAccount[] = [];
        for (const account of ordered) {
          // Locked until the transaction ends: exactly the row a create would conflict with.
          const existing = await repository.findActiveForUpdate(account);
          const existingId = existing?.id;
          let id: string;
          if (existingId !== undefined) {
            await repository.rotateToken(existingId, {
              token: account.token,
              tokenType: account.tokenType,
              tokenExpiresAt: account.tokenExpiresAt,
            });
            if (account.name !== null) await repository.update(existingId, { name: account.name });
            id = existingId;
          } else {
            const created = await repository.create({
              channel: account.channel,
              name: account.name,
              ...(account.channel === 'instagram'
                ? { igUserId: account.accountId }
                : { pageId: account.accountId }),
              token: account.token,
              tokenType: account.tokenType,
              tokenExpiresAt: account.tokenExpiresAt,
            });
            id = created.id;
          }
          await repository.recordVerification(id, { ok: true, tokenExpiresAt: account.tokenExpiresAt });
          connected.push({
            integrationId: id,
            channel: account.channel,
            accountId: account.accountId,
            name: account.name,
            action: existingId === undefined ? 'created' : 'updated',
            tokenExpiresAt: account.tokenExpiresAt,
          });
        }
        // Back in the order Meta listed the accounts.
        return accounts.flatMap((a) =>
          connected.filter((c) => c.channel === a.channel && c.accountId === a.accountId),
        );
      });
    },
  };
}
