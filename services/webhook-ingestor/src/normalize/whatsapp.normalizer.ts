import { type EventSink, MalformedFragmentError, UNKNOWN_ACCOUNT } from './event-sink.ts';
import {
  arrayOf,
  describeMetaError,
  fragmentHash,
  idOf,
  isoFromMetaTime,
  isRecord,
  type JsonObject,
  metaErrorsOf,
  recordOf,
  stringOf,
} from './meta-values.ts';
import { emitCalls, emitUserPreferences } from './whatsapp-calls.normalizer.ts';
import {
  emitAppStateSync,
  emitEchoes,
  emitHistory,
  emitUserIdUpdates,
} from './whatsapp-coexistence.normalizer.ts';
import { emitWhatsAppMessage } from './whatsapp-message.normalizer.ts';
import type { WhatsAppScope } from './whatsapp-scope.ts';
import { emitWhatsAppStatus } from './whatsapp-status.normalizer.ts';
import { emitWhatsAppTemplate, TEMPLATE_FIELDS } from './whatsapp-template.normalizer.ts';

/**
 * `object: "whatsapp_business_account"`: every entry (one per WABA), every change, and in a `messages`
 * change every message, status and error. Meta batches freely, so nothing here assumes one of anything
 * (docs/meta-platform.md, "Payload shapes": loop over every entry, change, message, status).
 */
export function normalizeWhatsApp(entries: readonly unknown[], sink: EventSink): void {
  for (const entry of entries) {
    if (!isRecord(entry) || !Array.isArray(entry.changes)) {
      sink.unsupported({
        channel: 'whatsapp',
        account: { id: idOf(recordOf(entry)?.id) ?? UNKNOWN_ACCOUNT },
        reason: 'malformed WhatsApp entry: no changes[]',
        raw: entry,
      });
      continue;
    }
    const wabaId = idOf(entry.id);
    for (const change of entry.changes) normalizeChange(change, entry, wabaId, sink);
  }
}

/** Fields of Meta's 2026 platform whose value carries `metadata.phone_number_id` and items to normalize. */
const NUMBER_FIELDS: Record<string, (value: JsonObject, scope: WhatsAppScope, sink: EventSink) => void> = {
  smb_message_echoes: emitEchoes,
  history: emitHistory,
  smb_app_state_sync: emitAppStateSync,
  user_id_update: emitUserIdUpdates,
  calls: emitCalls,
  user_preferences: emitUserPreferences,
};

function normalizeChange(
  change: unknown,
  entry: JsonObject,
  wabaId: string | undefined,
  sink: EventSink,
): void {
  const field = stringOf(recordOf(change)?.field);
  const value = recordOf(change)?.value;
  // Routing rule (docs/services.md, "Which account an event belongs to"): a change whose value names a phone number belongs to that
  // number; only changes without one (templates, account updates) fall back to the WABA id.
  const phoneNumberId = idOf(recordOf(recordOf(value)?.metadata)?.phone_number_id);
  const account = { id: phoneNumberId ?? wabaId ?? UNKNOWN_ACCOUNT, wabaId };
  try {
    const numberField = field === undefined ? undefined : NUMBER_FIELDS[field];
    if (field === 'messages') {
      normalizeMessagesValue(value, wabaId, sink);
    } else if (numberField !== undefined && phoneNumberId !== undefined) {
      const v = value as JsonObject;
      numberField(v, { account, contacts: arrayOf(v.contacts), valueErrors: metaErrorsOf(v.errors) }, sink);
    } else if (numberField !== undefined) {
      throw new MalformedFragmentError(
        'value.metadata.phone_number_id is missing, so its events cannot be routed',
      );
    } else if (field !== undefined && TEMPLATE_FIELDS.has(field)) {
      emitWhatsAppTemplate(field, value, change, { account, entryTime: entry.time }, sink);
    } else {
      // account_update (bans, partner changes, verification, tier updates: pywa lists ~15 events),
      // business_capability_update, phone_number_quality_update, …
      sink.unsupported({
        channel: 'whatsapp',
        account,
        occurredAt: isoFromMetaTime(entry.time),
        reason: `WhatsApp change field ${field ?? '(none)'} is not normalized`,
        type: field,
        raw: change,
        discriminator: isoFromMetaTime(entry.time),
      });
    }
  } catch (error) {
    sink.malformed(error, field === undefined ? 'WhatsApp change' : `WhatsApp ${field} change`, {
      channel: 'whatsapp',
      account,
      occurredAt: isoFromMetaTime(entry.time),
      type: field,
      raw: change,
    });
  }
}

function normalizeMessagesValue(value: unknown, wabaId: string | undefined, sink: EventSink): void {
  const v = recordOf(value);
  const phoneNumberId = idOf(recordOf(v?.metadata)?.phone_number_id);
  if (v === undefined || phoneNumberId === undefined) {
    throw new MalformedFragmentError(
      'value.metadata.phone_number_id is missing, so its events cannot be routed',
    );
  }
  const scope: WhatsAppScope = {
    account: { id: phoneNumberId, wabaId },
    contacts: arrayOf(v.contacts),
    valueErrors: metaErrorsOf(v.errors),
  };
  const messages = arrayOf(v.messages);
  const statuses = arrayOf(v.statuses);
  const errors = arrayOf(v.errors);

  for (const message of messages) {
    try {
      emitWhatsAppMessage(message, scope, sink);
    } catch (error) {
      sink.malformed(error, 'WhatsApp message', {
        channel: 'whatsapp',
        account: scope.account,
        raw: message,
        metaId: idOf(recordOf(message)?.id),
      });
    }
  }
  for (const status of statuses) {
    try {
      emitWhatsAppStatus(status, scope, sink);
    } catch (error) {
      const st = recordOf(status);
      sink.malformed(error, 'WhatsApp status', {
        channel: 'whatsapp',
        account: scope.account,
        raw: status,
        metaId: idOf(st?.id),
        discriminator: stringOf(st?.status),
      });
    }
  }
  if (errors.length > 0) emitValueErrors(errors, messages, statuses, scope, sink);

  if (messages.length === 0 && statuses.length === 0 && errors.length === 0) {
    sink.unsupported({
      channel: 'whatsapp',
      account: scope.account,
      reason: 'WhatsApp messages change without messages, statuses or errors is not normalized',
      type: 'messages',
      raw: v,
    });
  }
}

/**
 * `value.errors[]`: Meta could not build (part of) the webhook, e.g. 131000 "Unsupported webhook
 * payload" next to a body-less message (test/fixtures/SOURCES.md, pywa). No event kind means "webhook error", and it
 * belongs to no conversation, so each error is an `unsupported` event whose reason carries the code,
 * title and details (the message beside it, if any, also gets the errors: see the message normalizer).
 *
 * These errors have no Meta id. The id hashes the errors with the ids of the messages and statuses
 * beside them, so a retry keeps it while the same error code in another webhook does not collide.
 */
function emitValueErrors(
  errors: readonly unknown[],
  messages: readonly unknown[],
  statuses: readonly unknown[],
  scope: WhatsAppScope,
  sink: EventSink,
): void {
  const siblings: unknown[] = [];
  for (const item of messages) siblings.push(recordOf(item)?.id ?? null);
  for (const item of statuses) siblings.push([recordOf(item)?.id ?? null, recordOf(item)?.status ?? null]);
  const metaId = fragmentHash([scope.account.id, errors, siblings]);
  for (let index = 0; index < errors.length; index++) {
    const error = errors[index];
    sink.unsupported({
      channel: 'whatsapp',
      account: scope.account,
      reason: `WhatsApp reported a webhook error: ${describeMetaError(error)}`,
      type: 'errors',
      raw: error,
      metaId,
      discriminator: index,
    });
  }
}
