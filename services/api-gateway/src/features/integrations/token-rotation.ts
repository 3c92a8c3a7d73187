import type { Integration, IntegrationsRepository, TokenType } from '@omnistream/integrations';
import { AppError } from '@omnistream/service-kit';
import { graphFailure } from '../../shared/graph-failure.ts';
import type { TokenVerifier, Verification, VerifierLog } from './token-verifier.ts';

export interface RotationRequest {
  token: string;
  tokenType?: TokenType | undefined;
  tokenExpiresAt: Date | null;
  /** Store the token even when Meta cannot be asked about it now (it is checked later). */
  force: boolean;
}

/**
 * Rotation checks the new token with Meta before it replaces the current one: a token Meta refuses
 * (revoked, another account's, lacking a permission) would stop every send at once, while the
 * current one may still work. Refused: 400 GW_TOKEN_REJECTED with Meta's reason and nothing
 * changed. Meta unreachable: its 502/503/504 and nothing changed, unless the caller forces the
 * rotation; the token is then stored `pending` like a create during an outage.
 */
export async function rotateCheckedToken(
  deps: { integrations: Pick<IntegrationsRepository, 'rotateToken'>; verifier: TokenVerifier },
  current: Integration,
  request: RotationRequest,
  log: VerifierLog,
): Promise<Verification | null> {
  // Checked as the integration would be with it: an Instagram Login token is asked of its own host.
  const candidate = request.tokenType ? { ...current, tokenType: request.tokenType } : current;
  const verdict = await deps.verifier.check(candidate, request.token, log);
  if (verdict.kind === 'refused') {
    const { message, code, subcode } = verdict.error;
    log.info({ integrationId: current.id, metaCode: code }, 'new token refused by Meta; not rotated');
    throw new AppError(
      'GW_TOKEN_REJECTED',
      `Meta refused the new token: ${message}. Nothing changed: the current token stays in use.`,
      {
        status: 400,
        details: {
          meta: {
            message,
            ...(code === undefined ? {} : { code }),
            ...(subcode === undefined ? {} : { subcode }),
          },
        },
      },
    );
  }
  if (verdict.kind === 'unreachable' && !request.force) {
    throw graphFailure(verdict.cause, 'check the new token', {
      token: 'the new token',
      outcome:
        'Nothing changed: the current token stays in use. Retry later, or pass force=true to store the new token unchecked.',
    });
  }
  const rotated = await deps.integrations.rotateToken(current.id, {
    token: request.token,
    ...(request.tokenType === undefined ? {} : { tokenType: request.tokenType }),
    tokenExpiresAt: request.tokenExpiresAt,
  });
  if (!rotated) return null;
  log.info(
    { integrationId: rotated.id, tokenLast4: rotated.tokenLast4, checked: verdict.kind !== 'unreachable' },
    'integration token rotated',
  );
  return deps.verifier.record(rotated, verdict, log);
}
