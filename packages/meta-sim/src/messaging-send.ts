import type { TokenRecord } from './account-types.ts';
import type { CallResult } from './graph-call.ts';
import { callRateLimit, noMatchingUser, personUnavailable } from './meta-errors.ts';
import type { SimContext } from './sim-context.ts';
import { validateMessagingSend } from './validate-messaging.ts';

/**
 * Messenger `POST /{page-id}/messages` and Instagram `POST /{ig-user-id}/messages` after
 * authentication. Check order: calls per second (613), body (100), recipient state (551 or
 * 100/2018001). Messages reach the ledger; sender actions answer `{recipient_id}` only.
 */
export function messagingSend(
  ctx: SimContext,
  channel: 'messenger' | 'instagram',
  accountId: string,
  token: TokenRecord,
  body: unknown,
): CallResult {
  const surface = channel === 'instagram' ? 'instagram' : 'facebook';
  if (!ctx.limits.takeAccount(channel, accountId)) throw callRateLimit(surface);
  const send = validateMessagingSend(body, surface);
  const state = ctx.accounts.recipientState(accountId, send.recipientId);
  if (state === 'unavailable') throw personUnavailable(surface);
  if (state === 'unknown') throw noMatchingUser(surface);
  if (send.kind === 'sender_action') return { body: { recipient_id: send.recipientId } };

  const messageId = channel === 'instagram' ? ctx.ids.instagramMid(accountId) : ctx.ids.messengerMid();
  ctx.ledger.record({
    at: ctx.clock.now(),
    channel,
    accountId,
    to: send.recipientId,
    body,
    messageId,
    tokenLast4: token.token.slice(-4),
  });
  return { body: { recipient_id: send.recipientId, message_id: messageId } };
}
