import type { CallPayload } from '@omnistream/events';
import { type EventSink, required } from './event-sink.ts';
import {
  arrayOf,
  fragmentHash,
  idOf,
  isoFromMetaTime,
  type JsonObject,
  metaErrorsOf,
  nonEmptyStringOf,
  recordOf,
  stringOf,
} from './meta-values.ts';
import { guarded } from './whatsapp-coexistence.normalizer.ts';
import { type WhatsAppScope, whatsAppContact } from './whatsapp-scope.ts';

/**
 * Business Calling API (`calls` field; test/fixtures/SOURCES.md "WhatsApp 2026 platform"): `value.calls[]` (connect,
 * terminate) and `value.statuses[]` of business-initiated calls (RINGING, ACCEPTED, REJECTED) → `call`
 * events about the customer on the other end. Event ids: the call id with the event (or status), so a
 * call's connect and terminate are two events and Meta's retries keep theirs.
 */
export function emitCalls(value: JsonObject, scope: WhatsAppScope, sink: EventSink): void {
  for (const item of arrayOf(value.calls)) {
    guarded(sink, scope, item, 'WhatsApp call', () => {
      const call = required(recordOf(item), 'call');
      const callId = required(idOf(call.id), 'call id');
      const event = required(nonEmptyStringOf(call.event), 'call event');
      const direction = nonEmptyStringOf(call.direction);
      // The customer is the caller on a user-initiated call, the callee on a business-initiated one.
      const business = direction === 'BUSINESS_INITIATED';
      const contact = required(
        whatsAppContact(
          business
            ? { waId: idOf(call.to), userId: idOf(call.to_user_id) }
            : { waId: idOf(call.from), userId: idOf(call.from_user_id) },
          scope.contacts,
        ),
        business ? 'call recipient (to)' : 'caller (from)',
      );
      const duration = typeof call.duration === 'number' && call.duration >= 0 ? call.duration : undefined;
      const payload: CallPayload = {
        callId,
        event,
        direction,
        status: nonEmptyStringOf(call.status),
        startedAt: isoFromMetaTime(call.start_time),
        endedAt: isoFromMetaTime(call.end_time),
        durationSeconds: duration,
        bizOpaqueCallbackData: stringOf(call.biz_opaque_callback_data),
        errors: metaErrorsOf(call.errors),
      };
      sink.emit(
        {
          kind: 'call',
          channel: 'whatsapp',
          account: scope.account,
          contact,
          occurredAt: isoFromMetaTime(call.timestamp) ?? sink.receivedAt,
          payload,
          // The SDP offer / answer is large and of no use downstream of a gateway without WebRTC.
          raw: withoutSdp(call),
        },
        { metaId: callId, discriminator: event },
      );
    });
  }
  for (const item of arrayOf(value.statuses)) {
    guarded(sink, scope, item, 'WhatsApp call status', () => {
      const st = required(recordOf(item), 'call status');
      const callId = required(idOf(st.id), 'call status id');
      const status = required(nonEmptyStringOf(st.status), 'call status value');
      const contact = required(
        whatsAppContact({ waId: idOf(st.recipient_id), userId: idOf(st.recipient_user_id) }, scope.contacts),
        'call status recipient_id',
      );
      sink.emit(
        {
          kind: 'call',
          channel: 'whatsapp',
          account: scope.account,
          contact,
          occurredAt: isoFromMetaTime(st.timestamp) ?? sink.receivedAt,
          payload: {
            callId,
            event: 'status',
            direction: 'BUSINESS_INITIATED',
            status,
            bizOpaqueCallbackData: stringOf(st.biz_opaque_callback_data),
            errors: metaErrorsOf(st.errors),
          },
          raw: st,
        },
        { metaId: callId, discriminator: `status:${status}` },
      );
    });
  }
}

function withoutSdp(call: JsonObject): JsonObject {
  const session = recordOf(call.session);
  if (session === undefined || session.sdp === undefined) return call;
  const { sdp: _sdp, ...rest } = session;
  return { ...call, session: rest };
}

/**
 * `user_preferences` (test/fixtures/test/fixtures/SOURCES.md "WhatsApp 2026 platform"): the customer stopped or resumed marketing
 * messages → `marketing_preference`. No Meta id: the customer, category, value and Meta's timestamp
 * identify the change, so a retry hashes to the same event id.
 */
export function emitUserPreferences(value: JsonObject, scope: WhatsAppScope, sink: EventSink): void {
  for (const item of arrayOf(value.user_preferences)) {
    guarded(sink, scope, item, 'WhatsApp user preference', () => {
      const pref = required(recordOf(item), 'user preference');
      const preference = stringOf(pref.value);
      const contact = required(
        whatsAppContact({ waId: idOf(pref.wa_id), userId: idOf(pref.user_id) }, scope.contacts),
        'user preference wa_id or user_id',
      );
      const category = nonEmptyStringOf(pref.category) ?? 'marketing_messages';
      const occurredAt = isoFromMetaTime(pref.timestamp) ?? sink.receivedAt;
      if (preference !== 'stop' && preference !== 'resume') {
        sink.unsupported({
          channel: 'whatsapp',
          account: scope.account,
          contact,
          occurredAt,
          reason: `WhatsApp user preference value ${preference ?? '(none)'} is not normalized`,
          type: 'user_preferences',
          raw: pref,
        });
        return;
      }
      sink.emit(
        {
          kind: 'marketing_preference',
          channel: 'whatsapp',
          account: scope.account,
          contact,
          occurredAt,
          payload: { preference, category, detail: stringOf(pref.detail) },
          raw: pref,
        },
        {
          metaId: fragmentHash([scope.account.id, contact.id, category, pref.timestamp ?? null]),
          discriminator: preference,
        },
      );
    });
  }
}
