import type { Pool } from '@omnistream/db';
import { type GraphClient, GraphError } from '@omnistream/graph';
import type { Integration, IntegrationsRepository } from '@omnistream/integrations';
import type { Logger } from '@omnistream/logger';

/** Meta refreshes an Instagram Login token only once it is at least 24 hours old (Instagram Login docs). */
export const MIN_TOKEN_AGE_MS = 24 * 3_600_000;
/** Long-lived Instagram tokens last 60 days; used only when Meta leaves out expires_in. */
const LONG_LIVED_FALLBACK_MS = 60 * 86_400_000;
/** One pass at a time across every gateway replica: two would refresh the same token twice. */
const LOCK_NAME = 'omnistream:instagram-token-refresh';

export interface RefreshPass {
  /** False when another replica held the lock and this pass did nothing. */
  ran: boolean;
  refreshed: number;
  /** Flagged needs_reauth: Meta refused the refresh, or the token already expired. */
  flagged: number;
  /** Failed for a reason worth retrying (network, throttling); tried again next pass. */
  deferred: number;
}

export interface InstagramTokenRefresher {
  /** First pass right away (a restart must not postpone refreshes), then every intervalMs after the last ended. */
  start(): void;
  /** No new pass starts; resolves once the current one finished. */
  stop(): Promise<void>;
  runOnce(): Promise<RefreshPass>;
}

/**
 * Keeps Instagram Login tokens alive: a token with fewer than `refreshWithinMs` left (and at least
 * 24 h old) is exchanged for a fresh 60-day one and rotated in through the repository; the
 * TokenProvider of every service picks it up at its next poll. A token Meta will not refresh marks
 * its integration needs_reauth (an admin runs the Instagram onboarding again). Tokens are never
 * logged: only integration and account ids.
 */
export function createInstagramTokenRefresher(deps: {
  repository: Pick<
    IntegrationsRepository,
    'loadActiveTokens' | 'rotateToken' | 'flagNeedsReauth' | 'recordVerification'
  >;
  graph: Pick<GraphClient, 'refreshInstagramToken'>;
  pool: Pool;
  logger: Logger;
  intervalMs: number;
  refreshWithinMs: number;
  now?: () => number;
  /** Called after a pass that rotated tokens (the gateway's own TokenProvider re-reads at once). */
  onRotated?: () => Promise<unknown>;
  /** Each pass's counts, for omnistream_gateway_token_refreshes_total. */
  onPass?: (pass: RefreshPass) => void;
}): InstagramTokenRefresher {
  const { repository, graph, pool, intervalMs, refreshWithinMs } = deps;
  const logger = deps.logger.child({ job: 'instagram-token-refresh' });
  const now = deps.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<RefreshPass> | undefined;
  let stopped = true;

  const isDue = (i: Integration, at: number) =>
    i.channel === 'instagram' &&
    i.tokenType === 'instagram_user' &&
    !i.needsReauth &&
    i.tokenExpiresAt !== null &&
    i.tokenExpiresAt.getTime() - at <= refreshWithinMs &&
    at - (i.rotatedAt ?? i.createdAt).getTime() >= MIN_TOKEN_AGE_MS;

  async function flag(i: Integration, reason: string, meta: { code?: number; subcode?: number }) {
    // Only while the row still holds the token that failed: an admin who reconnected the account
    // meanwhile must not see the new token flagged.
    await repository.flagNeedsReauth(i.id, i, { message: reason, code: meta.code, subcode: meta.subcode });
  }

  async function refreshOne(i: Integration, token: string, pass: RefreshPass): Promise<void> {
    const at = now();
    const expiresAt = i.tokenExpiresAt?.getTime() ?? at;
    const log = { integrationId: i.id, igUserId: i.igUserId };
    if (expiresAt <= at) {
      await flag(
        i,
        'The Instagram token expired before it could be refreshed; connect the account again.',
        {},
      );
      pass.flagged += 1;
      logger.warn(log, 'Instagram token already expired; integration needs re-authorization');
      return;
    }
    try {
      const fresh = await graph.refreshInstagramToken({ token });
      const tokenExpiresAt = new Date(
        now() + (fresh.expiresIn ? fresh.expiresIn * 1000 : LONG_LIVED_FALLBACK_MS),
      );
      await repository.rotateToken(i.id, {
        token: fresh.accessToken,
        tokenType: 'instagram_user',
        tokenExpiresAt,
      });
      await repository.recordVerification(i.id, { ok: true, tokenExpiresAt });
      pass.refreshed += 1;
      logger.info({ ...log, tokenExpiresAt }, 'Instagram token refreshed');
    } catch (err) {
      if (!(err instanceof GraphError)) throw err;
      const detail = { ...log, errorCode: err.errorCode, metaCode: err.code, reason: err.message };
      // A retryable failure gets more passes while the token lasts; flagged only when the next
      // pass might come too late.
      if (err.retryable && expiresAt - at > 2 * intervalMs) {
        pass.deferred += 1;
        logger.warn(detail, 'Instagram token refresh failed; retrying next pass');
        return;
      }
      await flag(i, err.message, {
        ...(err.code === undefined ? {} : { code: err.code }),
        ...(err.subcode === undefined ? {} : { subcode: err.subcode }),
      });
      pass.flagged += 1;
      logger.warn(detail, 'Instagram token refresh refused; integration needs re-authorization');
    }
  }

  async function pass(): Promise<RefreshPass> {
    const result: RefreshPass = { ran: false, refreshed: 0, flagged: 0, deferred: 0 };
    // The session lock lives on this one connection, held for the pass and released with it.
    const lock = await pool.connect();
    let failed = false;
    try {
      const { rows } = await lock.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
        [LOCK_NAME],
      );
      if (!rows[0]?.locked) return result;
      result.ran = true;
      try {
        const at = now();
        const due = (await repository.loadActiveTokens()).filter(({ integration }) => isDue(integration, at));
        for (const { integration, token } of due) {
          try {
            await refreshOne(integration, token, result);
          } catch (err) {
            // One integration's database trouble must not stop the others.
            logger.error(
              { err, integrationId: integration.id },
              'Instagram token refresh failed unexpectedly',
            );
          }
        }
      } finally {
        await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [LOCK_NAME]);
      }
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      // A connection that failed mid-pass may still hold the lock: closing it frees the lock.
      lock.release(failed);
    }
    deps.onPass?.(result);
    if (result.refreshed > 0) await deps.onRotated?.().catch(() => undefined);
    logger.debug(result, 'Instagram token refresh pass done');
    return result;
  }

  function runOnce(): Promise<RefreshPass> {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((err: unknown) => logger.error({ err }, 'Instagram token refresh pass failed'))
        .finally(() => schedule(intervalMs));
    }, delayMs);
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
    runOnce,
  };
}
