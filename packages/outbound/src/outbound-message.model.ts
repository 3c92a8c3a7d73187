// The outbound_messages row and its TypeScript shape, shared by the repository and its batched send-path statements.

export type OutboundStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'played' | 'failed';

export interface OutboundError {
  code: string;
  message: string;
  retryable: boolean;
  metaCode?: number | undefined;
  metaSubcode?: number | undefined;
  fbtraceId?: string | undefined;
  /** Every error Meta reported on a failed status, the first (the one above) included. */
  metaErrors?: { code: number; title: string; message?: string; details?: string }[] | undefined;
}

export interface StatusChange {
  status: OutboundStatus;
  at: string;
  error?: OutboundError;
  /** Why a status was set by hand rather than by a send (an admin's replay). */
  note?: string;
}

export interface OutboundMessage {
  commandId: string;
  integrationId: string;
  channel: 'whatsapp' | 'instagram' | 'messenger';
  recipient: string;
  messageType: string;
  status: OutboundStatus;
  metaMessageId: string | null;
  attempts: number;
  lastError: OutboundError | null;
  history: StatusChange[];
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
  /** WhatsApp voice messages: when the customer played it (after read). */
  playedAt: Date | null;
  failedAt: Date | null;
  /** The sender instance that last took the command (claim or Graph attempt), and when. */
  claimedBy: string | null;
  claimedAt: Date | null;
}

/** Already sent (or later): a redelivered command must not be sent again. */
export const SENT_OR_LATER: ReadonlySet<OutboundStatus> = new Set(['sent', 'delivered', 'read', 'played']);
export interface Row {
  command_id: string;
  integration_id: string;
  channel: OutboundMessage['channel'];
  recipient: string;
  message_type: string;
  status: OutboundStatus;
  meta_message_id: string | null;
  attempts: number;
  last_error: OutboundError | null;
  history: StatusChange[];
  created_at: Date;
  updated_at: Date;
  sent_at: Date | null;
  delivered_at: Date | null;
  read_at: Date | null;
  played_at: Date | null;
  failed_at: Date | null;
  claimed_by: string | null;
  claimed_at: Date | null;
}

export const toMessage = (r: Row): OutboundMessage => ({
  commandId: r.command_id,
  integrationId: r.integration_id,
  channel: r.channel,
  recipient: r.recipient,
  messageType: r.message_type,
  status: r.status,
  metaMessageId: r.meta_message_id,
  attempts: r.attempts,
  lastError: r.last_error,
  history: r.history,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  sentAt: r.sent_at,
  deliveredAt: r.delivered_at,
  readAt: r.read_at,
  playedAt: r.played_at,
  failedAt: r.failed_at,
  claimedBy: r.claimed_by,
  claimedAt: r.claimed_at,
});

/** Whether row `o`'s claimant is a sender whose lease still runs (see sender-instances.repository.ts). */
export const CLAIM_LIVE = `EXISTS (SELECT 1 FROM sender_instances s WHERE s.instance_id = o.claimed_by AND s.lease_until > now())`;
