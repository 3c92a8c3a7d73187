import { type GraphClient, GraphError, GraphValidationError, type TokenCheck } from '@omnistream/graph';
import type { ConnectionError, Integration, IntegrationsRepository } from '@omnistream/integrations';
import type { Logger } from '@omnistream/logger';

export type Verification =
  /** Meta answered about the token: the integration is now connected or in error, as recorded. */
  | { checked: true; integration: Integration }
  /** Meta could not be asked (network, timeout, throttle, outage): nothing was recorded. */
  | { checked: false; integration: Integration; reason: string; retryAfterMs?: number; cause: GraphError };

/** What Meta said of a token, before anything is recorded. */
export type TokenVerdict =
  | { kind: 'accepted'; tokenExpiresAt?: Date | null }
  | { kind: 'refused'; error: ConnectionError }
  | { kind: 'unreachable'; reason: string; retryAfterMs?: number; cause: GraphError };

/** The request's logger, so the outcome is logged under the request id. */
export type VerifierLog = Pick<Logger, 'info' | 'warn'>;

export interface TokenVerifier {
  /** Asks Meta about `token` for `integration` (which may carry the token type it would get); records nothing. */
  check(integration: Integration, token: string, log: VerifierLog): Promise<TokenVerdict>;
  /** Records a verdict on the integration's current token, as connected or error. */
  record(integration: Integration, verdict: TokenVerdict, log: VerifierLog): Promise<Verification>;
  /** Checks `token` (the integration's current one) with Meta and records the verdict. */
  verify(integration: Integration, token: string, log: VerifierLog): Promise<Verification>;
}

/**
 * docs/meta-platform.md, "Business setup facts": an integration is Pending until a Graph call with its token succeeds, then Connected.
 * A token Meta refuses is recorded as `error` with Meta's own message and code, so the admin sees
 * what Meta said. When Meta cannot be asked, nothing changes: an outage must not make every
 * integration look broken.
 */
export function createTokenVerifier(deps: {
  integrations: Pick<IntegrationsRepository, 'recordVerification'>;
  graph: Pick<GraphClient, 'checkToken' | 'subscribeWabaApp'>;
}): TokenVerifier {
  const { integrations, graph } = deps;

  async function record(
    integration: Integration,
    result: Parameters<IntegrationsRepository['recordVerification']>[1],
    log: VerifierLog,
  ): Promise<Verification> {
    const updated = await integrations.recordVerification(integration.id, result, integration);
    // Deleted rows do not exist (integrations are disabled, never deleted); keep the caller's copy.
    const current = updated ?? integration;
    log.info(
      {
        integrationId: integration.id,
        channel: integration.channel,
        connectionStatus: current.connectionStatus,
        metaCode: result.ok ? undefined : result.error.code,
      },
      'integration token checked',
    );
    return { checked: true, integration: current };
  }

  async function recordVerdict(
    integration: Integration,
    verdict: TokenVerdict,
    log: VerifierLog,
  ): Promise<Verification> {
    if (verdict.kind === 'unreachable') {
      const { reason, cause, retryAfterMs } = verdict;
      return {
        checked: false,
        integration,
        reason,
        cause,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      };
    }
    if (verdict.kind === 'refused') return record(integration, { ok: false, error: verdict.error }, log);
    const expiry = verdict.tokenExpiresAt === undefined ? {} : { tokenExpiresAt: verdict.tokenExpiresAt };
    return record(integration, { ok: true, ...expiry }, log);
  }

  async function check(integration: Integration, token: string, log: VerifierLog): Promise<TokenVerdict> {
    let answer: TokenCheck;
    let subscribing = false;
    try {
      // Instagram Login tokens are only accepted by graph.instagram.com.
      answer = await graph.checkToken({
        token,
        host: integration.tokenType === 'instagram_user' ? 'instagram' : 'graph',
      });
      if (answer.valid && integration.channel === 'whatsapp' && integration.wabaId) {
        // Meta delivers a WABA's webhooks (messages, statuses, templates) only to apps subscribed
        // to it, and a token that cannot subscribe this WABA cannot serve its number either.
        // Subscribing again is harmless.
        subscribing = true;
        await graph.subscribeWabaApp({ wabaId: integration.wabaId, token });
        log.info({ integrationId: integration.id, wabaId: integration.wabaId }, 'app subscribed to the WABA');
      }
    } catch (err) {
      if (!(err instanceof GraphError) || err instanceof GraphValidationError) throw err;
      // Meta answered with a definite error other than an invalid token (e.g. 100/33: the token
      // cannot read its own account): that is Meta's verdict on this token, not an outage.
      if (err.code !== undefined && !err.retryable) {
        const message = subscribing
          ? `the token is valid but could not subscribe the app to WABA ${integration.wabaId}'s webhooks: ${err.message}`
          : err.message;
        return { kind: 'refused', error: connectionError(message, err.code, err.subcode) };
      }
      log.warn(
        { integrationId: integration.id, channel: integration.channel, err },
        'could not check the integration token with Meta; connection status unchanged',
      );
      return {
        kind: 'unreachable',
        reason: err.message,
        ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }),
        cause: err,
      };
    }
    if (!answer.valid) {
      return { kind: 'refused', error: connectionError(answer.reason, answer.code, answer.subcode) };
    }
    const mismatch = accountMismatch(integration, answer.id);
    if (mismatch) return { kind: 'refused', error: { message: mismatch } };
    return {
      kind: 'accepted',
      ...(answer.expiresAt === undefined ? {} : { tokenExpiresAt: answer.expiresAt }),
    };
  }

  return {
    check,
    record: recordVerdict,
    async verify(integration, token, log) {
      return recordVerdict(integration, await check(integration, token, log), log);
    },
  };
}

function connectionError(message: string, code?: number, subcode?: number): ConnectionError {
  return {
    message,
    ...(code === undefined ? {} : { code }),
    ...(subcode === undefined ? {} : { subcode }),
  };
}

/**
 * A Page token is the Page on `/me`, and an Instagram Login token is its professional account
 * (`user_id`): a valid token of another account would connect, then fail every send. System-user
 * tokens are the system user on `/me`, so there is nothing to compare for WhatsApp.
 */
function accountMismatch(integration: Integration, meId: string): string | null {
  if (integration.tokenType === 'page' && integration.pageId && meId !== integration.pageId) {
    return `the token is valid but belongs to Page ${meId}, not to Page ${integration.pageId}`;
  }
  if (integration.tokenType === 'instagram_user' && integration.igUserId && meId !== integration.igUserId) {
    return `the token is valid but belongs to Instagram account ${meId}, not to ${integration.igUserId}`;
  }
  return null;
}
