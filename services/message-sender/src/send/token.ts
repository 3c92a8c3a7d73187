import type { SendCommand } from '@omnistream/events';
import type { GraphError } from '@omnistream/graph';
import { ENV_FALLBACK_INTEGRATION_ID, type ResolvedToken } from '@omnistream/integrations';
import { Terminal } from './errors.ts';
import type { SendProcessorDeps } from './types.ts';
import { sleep } from './waits.ts';

/**
 * The token to use, waiting (bounded by SENDER_REAUTH_WAIT_MS) when the integration is unknown or
 * its token was refused: a rotation or a re-authentication usually lands within that wait, and
 * the command then goes out instead of being dead-lettered.
 */
export async function tokenFor(
  deps: Pick<SendProcessorDeps, 'tokens' | 'settings'>,
  command: SendCommand,
  refused: string | null,
  signal: AbortSignal,
): Promise<ResolvedToken> {
  const { settings } = deps;
  const deadline = Date.now() + settings.reauthWaitMs;
  for (;;) {
    const resolved = deps.tokens.byIntegrationId(command.integrationId);
    if (resolved && resolved.channel !== command.channel) {
      throw new Terminal('non_retryable', {
        code: 'SENDER_CHANNEL_MISMATCH',
        message: `integration ${command.integrationId} is a ${resolved.channel} integration, the command is for ${command.channel}`,
        retryable: false,
      });
    }
    if (resolved && resolved.token !== refused) return resolved;
    if (Date.now() >= deadline) {
      throw new Terminal('needs_reauth_timeout', {
        code: resolved ? 'GRAPH_190' : 'SENDER_UNKNOWN_INTEGRATION',
        message: resolved
          ? `integration ${command.integrationId} needs a new token; none appeared within ${settings.reauthWaitMs} ms`
          : `no active integration ${command.integrationId} appeared within ${settings.reauthWaitMs} ms`,
        retryable: false,
      });
    }
    await sleep(settings.reauthPollMs, signal);
  }
}

/** Meta refused the token (190): the integration is flagged so that a person re-authenticates it. */
export async function flagRefusedToken(
  deps: Pick<SendProcessorDeps, 'integrations' | 'logger'>,
  command: SendCommand,
  resolved: ResolvedToken,
  err: GraphError,
): Promise<void> {
  const { logger } = deps;
  const refused = resolved.integration;
  if (resolved.integrationId !== ENV_FALLBACK_INTEGRATION_ID && refused) {
    // Only while the row still holds the refused token: a rotation that landed since our last poll
    // must not be flagged as needing re-authentication.
    await deps.integrations
      .flagNeedsReauth(resolved.integrationId, refused, {
        message: err.message,
        code: err.code,
        subcode: err.subcode,
      })
      .catch((e) =>
        logger.warn({ err: e, integrationId: resolved.integrationId }, 'could not flag needs_reauth'),
      );
  }
  logger.warn(
    { integrationId: resolved.integrationId, commandId: command.commandId },
    'Meta refused the token (190); integration flagged needs_reauth, waiting for a new token',
  );
}
