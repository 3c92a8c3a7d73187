import type { InboundEvent } from './inbound-event.ts';
import type { SendCommand } from './send-command.ts';

/**
 * Kafka key of an inbound event: `channel:accountId:contactId`, so one customer's events stay on one
 * partition and in order; `channel:accountId:group:groupId` for a WhatsApp group's events, so the
 * whole group's conversation is in order whoever wrote; the account id alone for events without a
 * contact (templates, FBE).
 */
export function inboundKey(
  event: Pick<InboundEvent, 'channel' | 'account' | 'contact'> & { payload?: unknown },
): string {
  const groupId = (event.payload as { groupId?: unknown } | undefined)?.groupId;
  if (typeof groupId === 'string') return `${event.channel}:${event.account.id}:group:${groupId}`;
  return event.contact ? `${event.channel}:${event.account.id}:${event.contact.id}` : event.account.id;
}

/**
 * Kafka key of a send command, and of its result and dead letter: `integrationId:to`, so sends to one
 * recipient are consumed in order (and WhatsApp's per-recipient pair rate limit is paced in one place).
 */
export function commandKey(command: Pick<SendCommand, 'integrationId' | 'to'>): string {
  return `${command.integrationId}:${command.to}`;
}
