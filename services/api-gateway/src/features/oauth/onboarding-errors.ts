import { IntegrationConflictError } from '@omnistream/integrations';
import { AppError } from '@omnistream/service-kit';
import { graphFailure } from '../../shared/graph-failure.ts';
import type { StateRefusal } from './oauth-states.repository.ts';

/**
 * Why an onboarding callback failed, sent as `error.reason` next to the error code so a client (or
 * the admin reading the page) can tell the cases apart without parsing the message.
 */
export type OnboardingFailure =
  | StateRefusal
  | 'missing_state'
  | 'missing_code'
  | 'access_denied'
  | 'permission_not_granted'
  | 'no_pages'
  | 'meta_error'
  | 'not_configured'
  | 'concurrent_connection';

const AGAIN = 'Start the connection again from the gateway.';

function failure(
  reason: OnboardingFailure,
  message: string,
  status: 400 | 403 | 409 | 502 | 503,
  cause?: unknown,
): AppError {
  const code =
    status === 400
      ? 'GW_BAD_REQUEST'
      : status === 403
        ? 'GW_FORBIDDEN'
        : status === 409
          ? 'GW_CONFLICT'
          : status === 502
            ? 'GW_UPSTREAM'
            : 'GW_UNAVAILABLE';
  return new AppError(code, message, { status, details: { reason }, cause });
}

export function stateRefused(reason: StateRefusal | 'missing_state'): AppError {
  switch (reason) {
    case 'missing_state':
      return failure(reason, `The callback carries no state parameter. ${AGAIN}`, 400);
    case 'unknown':
      return failure(reason, `This authorization was not started by this gateway. ${AGAIN}`, 400);
    case 'used':
      return failure(reason, `This authorization was already completed or attempted once. ${AGAIN}`, 400);
    case 'expired':
      return failure(reason, `This authorization took longer than 10 minutes and expired. ${AGAIN}`, 400);
    case 'wrong_provider':
      return failure(
        reason,
        'This authorization was started for another provider; it came back to the wrong callback. Check the redirect URIs in the Meta dashboard.',
        400,
      );
    case 'admin_key_revoked':
      return failure(reason, `The admin key that started this authorization was revoked. ${AGAIN}`, 403);
  }
}

export function accessDenied(provider: string, description: string | undefined): AppError {
  const why = description ? ` Meta says: ${description.slice(0, 300)}` : '';
  return failure(
    'access_denied',
    `The ${provider} login was cancelled or access was not granted, so nothing was connected.${why}`,
    400,
  );
}

export function missingCode(): AppError {
  return failure('missing_code', `The callback carries no authorization code. ${AGAIN}`, 400);
}

export function permissionNotGranted(missing: readonly string[]): AppError {
  return failure(
    'permission_not_granted',
    `The login did not grant ${missing.join(', ')}, which the gateway needs to send and receive messages; nothing was connected. ${AGAIN}`,
    400,
  );
}

export function noPages(skipped: readonly { name: string; id: string; reason: string }[]): AppError {
  const detail = skipped.length
    ? ` Pages returned but not usable: ${skipped.map((p) => `"${p.name}" (${p.id}): ${p.reason}`).join('; ')}.`
    : '';
  return failure(
    'no_pages',
    `The login granted no Facebook Page the gateway can message from, so nothing was connected. Select at least one Page in the dialog.${detail}`,
    400,
  );
}

export function notConfigured(provider: string, missing: readonly string[]): AppError {
  return failure(
    'not_configured',
    `${provider} onboarding is not configured on this gateway: set ${missing.join(', ')}.`,
    503,
  );
}

/**
 * A failed step talking to Meta, mapped like every Graph failure (graph-failure.ts) with the
 * onboarding's `reason` and what to do next. A code Meta refuses (bad, used or expired) is the
 * callback's content: 400. `step` completes "Meta refused to …".
 */
function metaStepFailed(step: string, err: unknown): unknown {
  if (err instanceof AppError) return err;
  return graphFailure(err, step, {
    token: 'the token this login produced',
    outcome: `Nothing was connected. ${AGAIN}`,
    details: { reason: 'meta_error' satisfies OnboardingFailure },
  });
}

/** Runs one Meta step of a flow, turning its failure into the onboarding error for `step`. */
export async function metaStep<T>(step: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw metaStepFailed(step, err);
  }
}

/** Meta answered, but not what onboarding needs (e.g. the token it just issued is refused). */
export function metaRefused(step: string, message: string): AppError {
  return failure('meta_error', `Meta refused to ${step}: ${message}. Nothing was connected. ${AGAIN}`, 502);
}

/** The final write met a connection of the same account made at the same moment. */
export function writeFailed(err: unknown): unknown {
  if (err instanceof IntegrationConflictError) {
    return failure(
      'concurrent_connection',
      `The same account was being connected by another request at the same moment; nothing was changed by this one. ${AGAIN}`,
      409,
      err,
    );
  }
  return err;
}
