import type { TemplateStatusPayload } from '@omnistream/events';
import { type EventSink, required } from './event-sink.ts';
import {
  idOf,
  isoFromMetaTime,
  type JsonObject,
  nonEmptyStringOf,
  recordOf,
  stringOf,
} from './meta-values.ts';

export const TEMPLATE_FIELDS: ReadonlySet<string> = new Set([
  'message_template_status_update',
  'message_template_quality_update',
  'template_category_update',
]);

export interface TemplateScope {
  /** The WABA id (`entry.id`): template webhooks have no phone number (events package, AccountSchema). */
  account: { id: string; wabaId: string | undefined };
  /** `entry.time`, seconds (test/fixtures/SOURCES.md). */
  entryTime: unknown;
}

/**
 * A template webhook change → `template_status`.
 *
 * Event id: metaId is the template id; the discriminator is the field, the new state and `entry.time`.
 * The new state keeps APPROVED and REJECTED (or GREEN→YELLOW and YELLOW→RED) of one template apart;
 * `entry.time` keeps apart the same state reached twice (APPROVED, PAUSED, APPROVED again), which would
 * otherwise be deduplicated away. A Meta retry resends the same entry, time included, so it keeps its id.
 */
export function emitWhatsAppTemplate(
  field: string,
  value: unknown,
  raw: unknown,
  scope: TemplateScope,
  sink: EventSink,
): void {
  const v = required(recordOf(value), 'template change value');
  // A JSON number in the webhook, a string in the Graph template list (test/fixtures/SOURCES.md): always a string here.
  const templateId = required(idOf(v.message_template_id), 'message_template_id');
  const templateName = required(nonEmptyStringOf(v.message_template_name), 'message_template_name');
  const language = nonEmptyStringOf(v.message_template_language);
  const occurredAt = isoFromMetaTime(scope.entryTime) ?? sink.receivedAt;
  const time =
    typeof scope.entryTime === 'number' || typeof scope.entryTime === 'string' ? scope.entryTime : null;

  if (
    field === 'template_category_update' &&
    v.previous_category === undefined &&
    v.correct_category !== undefined
  ) {
    // An *impending* change: `new_category` is the current category and `correct_category` the one it
    // will get at `category_update_timestamp` (MetaDocs-WA template_category_update). The payload's
    // previous → current cannot say "will change", and saying it changed would be false.
    const at = isoFromMetaTime(v.category_update_timestamp);
    sink.unsupported({
      channel: 'whatsapp',
      account: scope.account,
      occurredAt,
      reason:
        `impending template category change is not normalized: ${templateName} ` +
        `(${language ?? 'no language'}) moves from ${String(v.new_category)} to ${String(v.correct_category)}` +
        (at === undefined ? '' : ` at ${at}`),
      type: field,
      raw,
      metaId: templateId,
      discriminator: JSON.stringify(['impending', v.correct_category ?? null, time]),
    });
    return;
  }

  const payload = templatePayload(field, v, { templateId, templateName, language });
  const state =
    payload.field === 'message_template_status_update'
      ? [payload.event, payload.reason ?? null]
      : payload.field === 'message_template_quality_update'
        ? [payload.quality.previous ?? null, payload.quality.current]
        : [payload.category.previous ?? null, payload.category.current];
  sink.emit(
    { kind: 'template_status', channel: 'whatsapp', account: scope.account, occurredAt, payload, raw },
    { metaId: templateId, discriminator: JSON.stringify([field, ...state, time]) },
  );
}

function templatePayload(
  field: string,
  v: JsonObject,
  base: { templateId: string; templateName: string; language: string | undefined },
): TemplateStatusPayload {
  switch (field) {
    case 'message_template_status_update':
      return {
        ...base,
        field,
        event: required(nonEmptyStringOf(v.event), 'event'),
        // `"NONE"` or null when approved (test/fixtures/SOURCES.md).
        reason: stringOf(v.reason),
      };
    case 'message_template_quality_update':
      return {
        ...base,
        field,
        quality: {
          previous: stringOf(v.previous_quality_score),
          current: required(nonEmptyStringOf(v.new_quality_score), 'new_quality_score'),
        },
      };
    case 'template_category_update':
      return {
        ...base,
        field,
        category: {
          previous: stringOf(v.previous_category),
          current: required(nonEmptyStringOf(v.new_category), 'new_category'),
        },
      };
    default:
      throw new TypeError(`not a template field: ${field}`);
  }
}
