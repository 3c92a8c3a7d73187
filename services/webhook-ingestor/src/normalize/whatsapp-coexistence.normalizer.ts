import type { ContactChangePayload } from '@omnistream/events';
import { type EventSink, required } from './event-sink.ts';
import {
  arrayOf,
  describeMetaError,
  fragmentHash,
  idOf,
  isoFromMetaTime,
  type JsonObject,
  nonEmptyStringOf,
  recordOf,
  stringOf,
} from './meta-values.ts';
import { emitWhatsAppMessage, type HistoryFlag, messagePayload } from './whatsapp-message.normalizer.ts';
import { type WhatsAppScope, whatsAppContact } from './whatsapp-scope.ts';

/**
 * Coexistence: one number used in the WhatsApp Business app and the Cloud API at once
 * (docs/services.md, "WhatsApp coexistence"; test/fixtures/SOURCES.md "WhatsApp 2026 platform" for each shape).
 * - `smb_message_echoes`: what the business sent from the app → `echo` events;
 * - `history`: the onboarding sync of earlier conversations → `message` / `echo` events flagged
 *   `history`, with the same event ids a live delivery would have had;
 * - `smb_app_state_sync`: the app's contact book → `contact_change` events.
 * Every item is normalized on its own: one malformed item costs only itself.
 */

/** `value.message_echoes[]`: `from` is the business number, `to` (or `to_user_id`) the customer. */
export function emitEchoes(value: JsonObject, scope: WhatsAppScope, sink: EventSink): void {
  for (const item of arrayOf(value.message_echoes)) {
    guarded(sink, scope, item, 'WhatsApp message echo', () => emitEcho(item, scope, sink, undefined));
  }
}

function emitEcho(
  item: unknown,
  scope: WhatsAppScope,
  sink: EventSink,
  history: HistoryFlag | undefined,
): void {
  const msg = required(recordOf(item), 'message echo');
  const messageId = required(idOf(msg.id), 'message echo id');
  const contact = required(
    whatsAppContact(
      { waId: idOf(msg.to), userId: idOf(msg.to_user_id), parentUserId: idOf(msg.to_parent_user_id) },
      scope.contacts,
    ),
    'echo recipient (to or to_user_id)',
  );
  const occurredAt = isoFromMetaTime(msg.timestamp) ?? sink.receivedAt;
  const type = stringOf(msg.type);
  const payload = messagePayload(type, msg, messageId, scope);
  if ('reason' in payload) {
    sink.unsupported({
      channel: 'whatsapp',
      account: scope.account,
      contact,
      occurredAt,
      reason: `echo: ${payload.reason}`,
      type: payload.type,
      raw: msg,
      metaId: messageId,
    });
    return;
  }
  sink.emit(
    {
      kind: 'echo',
      channel: 'whatsapp',
      account: scope.account,
      contact,
      occurredAt,
      payload,
      raw: msg,
      ...(history === undefined ? {} : { history }),
    },
    { metaId: messageId },
  );
}

/**
 * `value.history[]`: chunks of `threads[]` (one per customer, `id` = the customer) of `messages[]`.
 * A message whose `from` is the customer is theirs; anything else the business sent (an echo). A
 * chunk with `errors[]` instead of threads (the owner declined to share history) is `unsupported`.
 */
export function emitHistory(value: JsonObject, scope: WhatsAppScope, sink: EventSink): void {
  const business = digits(stringOf(recordOf(value.metadata)?.display_phone_number));
  for (const chunk of arrayOf(value.history)) {
    const c = recordOf(chunk);
    const meta = recordOf(c?.metadata);
    const flag: HistoryFlag = {
      phase: nonNegativeInt(meta?.phase),
      chunkOrder: nonNegativeInt(meta?.chunk_order),
      progress: percent(meta?.progress),
    };
    const errors = arrayOf(c?.errors);
    if (c === undefined || (errors.length > 0 && arrayOf(c.threads).length === 0)) {
      sink.unsupported({
        channel: 'whatsapp',
        account: scope.account,
        reason:
          errors.length > 0
            ? `WhatsApp history sync: ${errors.map(describeMetaError).join('; ')}`
            : 'malformed WhatsApp history chunk',
        type: 'history',
        raw: chunk,
        metaId: fragmentHash([scope.account.id, chunk]),
      });
      continue;
    }
    for (const thread of arrayOf(c.threads)) {
      const t = recordOf(thread);
      const threadId = idOf(t?.id);
      // The customer of the thread: `context` names them (wa_id and/or BSUID) since 2026.
      const context = recordOf(t?.context);
      const customer = {
        waId:
          idOf(context?.wa_id) ?? (threadId !== undefined && /^\d+$/.test(threadId) ? threadId : undefined),
        userId:
          idOf(context?.user_id) ??
          (threadId !== undefined && !/^\d+$/.test(threadId) ? threadId : undefined),
        parentUserId: idOf(context?.parent_user_id),
      };
      const threadScope: WhatsAppScope = {
        ...scope,
        contacts: [
          ...scope.contacts,
          {
            wa_id: customer.waId,
            user_id: customer.userId,
            parent_user_id: customer.parentUserId,
            profile: { username: context?.username },
          },
        ],
      };
      for (const message of arrayOf(t?.messages)) {
        guarded(sink, scope, message, 'WhatsApp history message', () => {
          const msg = required(recordOf(message), 'history message');
          const status = nonEmptyStringOf(recordOf(msg.history_context)?.status);
          const history: HistoryFlag = status === undefined ? flag : { ...flag, status };
          const from = idOf(msg.from);
          const fromUserId = idOf(msg.from_user_id);
          const fromCustomer =
            (from !== undefined && (from === customer.waId || from === threadId)) ||
            (fromUserId !== undefined && fromUserId === customer.userId) ||
            (from !== undefined && digits(from) !== business && idOf(msg.to) === undefined);
          if (fromCustomer) {
            emitWhatsAppMessage(msg, threadScope, sink, history);
          } else {
            // The business's side (Meta leaves `to` off it): the customer is the thread's.
            const asEcho = {
              ...msg,
              to: idOf(msg.to) ?? customer.waId,
              to_user_id: idOf(msg.to_user_id) ?? customer.userId,
            };
            emitEcho(asEcho, threadScope, sink, history);
          }
        });
      }
    }
  }
}

const APP_CONTACT_ACTIONS: Record<string, ContactChangePayload['change']> = {
  add: 'added',
  edit: 'updated',
  update: 'updated',
  remove: 'removed',
};

/** `value.state_sync[]` of `type: "contact"`: the business added, edited or removed a contact in the app. */
export function emitAppStateSync(value: JsonObject, scope: WhatsAppScope, sink: EventSink): void {
  for (const item of arrayOf(value.state_sync)) {
    guarded(sink, scope, item, 'WhatsApp app state sync', () => {
      const sync = required(recordOf(item), 'state_sync item');
      const action = stringOf(sync.action);
      const change = action === undefined ? undefined : APP_CONTACT_ACTIONS[action];
      const entry = recordOf(sync.contact);
      const occurredAt = isoFromMetaTime(recordOf(sync.metadata)?.timestamp) ?? sink.receivedAt;
      if (stringOf(sync.type) !== 'contact' || change === undefined || entry === undefined) {
        sink.unsupported({
          channel: 'whatsapp',
          account: scope.account,
          occurredAt,
          reason: `WhatsApp app state sync ${stringOf(sync.type) ?? '(no type)'} ${action ?? '(no action)'} is not normalized`,
          type: 'smb_app_state_sync',
          raw: sync,
        });
        return;
      }
      const waId = digits(stringOf(entry.phone_number)) || undefined;
      const userId = idOf(entry.user_id);
      const contact = required(whatsAppContact({ waId, userId }, scope.contacts), 'contact phone_number');
      const payload: ContactChangePayload = {
        change,
        source: 'app_contacts',
        current: { waId, userId },
        fullName: stringOf(entry.full_name),
        firstName: stringOf(entry.first_name),
      };
      sink.emit(
        {
          kind: 'contact_change',
          channel: 'whatsapp',
          account: scope.account,
          contact,
          occurredAt,
          payload,
          raw: sync,
        },
        // No Meta id: the contact, the action and Meta's timestamp identify the change; a retry hashes the same.
        { metaId: fragmentHash([scope.account.id, contact.id, action, occurredAt]), discriminator: change },
      );
    });
  }
}

/**
 * `user_id_update` (its own webhook field, 2026): Meta issued the customer a new BSUID, with the
 * previous and current ids as data → `contact_change` `user_id_changed`, on the new identifier.
 */
export function emitUserIdUpdates(value: JsonObject, scope: WhatsAppScope, sink: EventSink): void {
  for (const item of arrayOf(value.user_id_update)) {
    guarded(sink, scope, item, 'WhatsApp user id update', () => {
      const update = required(recordOf(item), 'user_id_update item');
      const ids = recordOf(update.user_id);
      const current = required(idOf(ids?.current), 'user_id.current');
      const previous = idOf(ids?.previous);
      const waId = idOf(update.wa_id);
      const occurredAt = isoFromMetaTime(update.timestamp) ?? sink.receivedAt;
      const contact = required(
        whatsAppContact({ waId, userId: current }, scope.contacts),
        'user id update contact',
      );
      const parent = recordOf(update.parent_user_id);
      const currentParent = idOf(parent?.current);
      if (currentParent !== undefined) contact.parentUserId = currentParent;
      sink.emit(
        {
          kind: 'contact_change',
          channel: 'whatsapp',
          account: scope.account,
          contact,
          occurredAt,
          payload: {
            change: 'user_id_changed',
            source: 'user_id_update',
            previous: previous === undefined ? undefined : { waId, userId: previous },
            current: { waId, userId: current },
            body: stringOf(update.detail),
          },
          raw: update,
        },
        { metaId: fragmentHash([scope.account.id, previous ?? null, current]) },
      );
    });
  }
}

/** Runs one item's normalization; a malformed item becomes `unsupported` and the others go on. */
export function guarded(
  sink: EventSink,
  scope: WhatsAppScope,
  item: unknown,
  what: string,
  run: () => void,
): void {
  try {
    run();
  } catch (error) {
    sink.malformed(error, what, {
      channel: 'whatsapp',
      account: scope.account,
      raw: item,
      metaId: idOf(recordOf(item)?.id),
    });
  }
}

function digits(value: string | undefined): string {
  return value === undefined ? '' : value.replace(/\D/g, '');
}

function nonNegativeInt(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function percent(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 && n <= 100 ? n : undefined;
}
