import type { DlqReason, SendError } from '@omnistream/events';
import { GraphError } from '@omnistream/graph';

/** Shutdown began: the command is left unfinished (uncommitted) and will be redelivered. */
export class SendAbandoned extends Error {
  override name = 'SendAbandoned';
}

/** One failed attempt as the dead letter lists it. */
export interface AttemptError {
  at: string;
  message: string;
  code?: string;
  retryable?: boolean;
}

/** A failure no retry can fix: it ends the retries and names the dead letter's reason. */
export class Terminal extends Error {
  override name = 'Terminal';
  readonly reason: DlqReason;
  readonly sendError: SendError;
  constructor(reason: DlqReason, sendError: SendError) {
    super(sendError.message);
    this.reason = reason;
    this.sendError = sendError;
  }
}

export function toSendError(err: unknown): SendError {
  if (err instanceof GraphError) return err.toSendError();
  return { code: 'SENDER_INTERNAL', message: (err as Error)?.message || 'unknown error', retryable: true };
}

/** Meta refused the token: waited out for a new one rather than counted as an attempt at Meta. */
export function isRefusedToken(err: unknown): err is GraphError {
  return err instanceof GraphError && err.code === 190;
}
