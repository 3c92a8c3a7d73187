import { z } from 'zod';
import { DlqErrorSchema, DlqRecordSchema } from './dlq-record.ts';
import { AccountSchema, ContactSchema, InboundEventSchema } from './inbound-event.ts';
import {
  DeliveryPayloadSchema,
  FbePayloadSchema,
  PostbackPayloadSchema,
  ReactionPayloadSchema,
  SeenPayloadSchema,
  StatusPayloadSchema,
  TemplateStatusPayloadSchema,
  UnsupportedPayloadSchema,
} from './inbound-payloads.ts';
import { EchoPayloadSchema, MessagePayloadSchema } from './message-payload.ts';
import { OutboundMessageSchema } from './outbound-message.ts';
import { IdSchema, IsoDateTimeSchema, MetaErrorSchema, SchemaVersionSchema } from './primitives.ts';
import { RawFragmentSchema } from './raw-fragment.ts';
import { QuickReplySchema, SendCommandSchema } from './send-command.ts';
import { SendErrorSchema, SendResultSchema } from './send-result.ts';
import {
  CallPayloadSchema,
  ContactChangePayloadSchema,
  MarketingPreferencePayloadSchema,
  WhatsAppIdsSchema,
} from './whatsapp-payloads.ts';

/** JSON Schema as AsyncAPI's default schema format reads it (a superset of draft-07). */
export type JsonSchema = { [key: string]: unknown };

interface ComponentMeta {
  id: string;
  description?: string;
}

/** `InboundEventMessage` for kind `message`, `InboundEventTemplateStatus` for `template_status`. */
export function inboundComponentId(kind: string): string {
  return `InboundEvent${kind.replace(/(^|_)([a-z])/g, (_m, _sep, letter: string) => letter.toUpperCase())}`;
}

/** The kind an inbound variant is for, read from its `kind` literal. */
function kindOf(variant: (typeof InboundEventSchema.options)[number]): string {
  return variant.shape.kind.value;
}

/**
 * Every schema that becomes a named component (and so a `$ref` wherever it is used). Each zod schema
 * object can have one name only, which is why the per-kind event variants are taken from the union
 * itself rather than rebuilt.
 */
function componentRegistry() {
  const registry = z.registry<ComponentMeta>();
  const add = (schema: z.ZodType, id: string, description?: string) =>
    registry.add(schema, description === undefined ? { id } : { id, description });

  add(
    SchemaVersionSchema,
    'SchemaVersion',
    'Version of the record layout. Changes within a version are additive only (docs/events.md, "Compatibility"); a breaking change means a new topic (`*.v2`) and a new version.',
  );
  add(
    IdSchema,
    'Id',
    "Meta's ids (wamid, mid, PSID, IGSID, phone_number_id, …) and the gateway's own: non-empty, without whitespace.",
  );
  add(
    IsoDateTimeSchema,
    'IsoDateTime',
    'ISO 8601 date and time with `Z` or an offset, as `Date#toISOString()` writes it.',
  );
  add(MetaErrorSchema, 'MetaError', "One entry of Meta's `errors[]`.");
  add(
    RawFragmentSchema,
    'RawFragment',
    "The original Meta fragment the event was normalized from, verbatim (Meta's snake_case keys), for audit and for fields the gateway does not normalize. Never holds a credential: the inbound schema refuses an `access_token` anywhere in it.",
  );
  add(AccountSchema, 'Account', 'The business account the event belongs to (tenant routing id).');
  add(ContactSchema, 'Contact', 'The customer, also on statuses and echoes (where it is the recipient).');
  add(
    WhatsAppIdsSchema,
    'WhatsAppIds',
    'A WhatsApp user by phone number (`waId`), BSUID (`userId`), or both.',
  );
  add(MessagePayloadSchema, 'MessagePayload', 'A message from the customer, one variant per `type`.');
  add(EchoPayloadSchema, 'EchoPayload', 'A message the business sent, reported back by Meta.');
  add(StatusPayloadSchema, 'StatusPayload', "A WhatsApp delivery status of the business's message.");
  add(PostbackPayloadSchema, 'PostbackPayload', 'A tapped button (Instagram, Messenger).');
  add(SeenPayloadSchema, 'SeenPayload', 'A read receipt (Instagram: `mid`; Messenger: `watermark`).');
  add(DeliveryPayloadSchema, 'DeliveryPayload', 'A Messenger delivery receipt.');
  add(ReactionPayloadSchema, 'ReactionPayload', 'A reaction to a message, on any channel.');
  add(
    TemplateStatusPayloadSchema,
    'TemplateStatusPayload',
    'A WhatsApp template status, quality or category change.',
  );
  add(FbePayloadSchema, 'FbePayload', 'A Facebook Business Extension install or uninstall.');
  add(
    ContactChangePayloadSchema,
    'ContactChangePayload',
    'A WhatsApp customer changed number or BSUID, or the Business app contact book changed.',
  );
  add(CallPayloadSchema, 'CallPayload', 'A WhatsApp Business Calling API call event or status.');
  add(
    MarketingPreferencePayloadSchema,
    'MarketingPreferencePayload',
    'The customer stopped or resumed marketing messages.',
  );
  add(
    UnsupportedPayloadSchema,
    'UnsupportedPayload',
    'Something Meta sent that the gateway does not normalize; `raw` has it verbatim.',
  );
  add(InboundEventSchema, 'InboundEvent', 'Any record of the inbound topic: one variant per `kind`.');
  for (const variant of InboundEventSchema.options) {
    add(variant, inboundComponentId(kindOf(variant)), `Inbound event of kind \`${kindOf(variant)}\`.`);
  }
  add(
    SendCommandSchema,
    'SendCommand',
    'A message to send. Unknown fields are refused (dead letter `invalid`); per-channel rules the schema cannot express are in docs/admin-api.md ("Sending messages").',
  );
  add(OutboundMessageSchema, 'OutboundMessage', 'The content of a send command, one variant per `type`.');
  add(QuickReplySchema, 'QuickReply', 'A Messenger or Instagram quick reply.');
  add(SendResultSchema, 'SendResult', 'The outcome of one send command.');
  add(SendResultSchema.options[0], 'SendResultSent', 'Meta accepted the message.');
  add(
    SendResultSchema.options[1],
    'SendResultFailed',
    'The command was not sent; its dead letter has every attempt.',
  );
  add(SendErrorSchema, 'SendError', "Why a send failed, classified from Meta's error code.");
  add(DlqRecordSchema, 'DlqRecord', "A command that could not be sent, with every attempt's error.");
  add(DlqErrorSchema, 'DlqError', 'One failed attempt (or, for `invalid`, one validation problem).');
  return registry;
}

/**
 * `z.int()` without bounds of its own is bounded by Number's safe-integer range; those two numbers
 * say nothing a reader of the contract needs, so they are left out. Bounds the schema sets are kept.
 */
function dropSafeIntegerBounds(schema: JsonSchema): void {
  if (schema.type !== 'integer') return;
  if (schema.maximum === Number.MAX_SAFE_INTEGER) delete schema.maximum;
  if (schema.minimum === Number.MIN_SAFE_INTEGER) delete schema.minimum;
}

/**
 * The components/schemas section, generated from the zod schemas, with `$ref`s between components.
 *
 * `io: 'input'` on purpose: it describes what a record may hold on the wire, which is what the schema
 * accepts. The output side would add `additionalProperties: false` to every stripping object, telling
 * consumers to refuse fields a later additive release introduces, which is the opposite of the
 * compatibility rule. Strict objects (send commands) are closed either way.
 */
export function componentSchemas(): Record<string, JsonSchema> {
  const registry = componentRegistry();
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-07',
    io: 'input',
    // Nothing in the contract is a date object, transform or bigint; if one appears, fail loudly here
    // rather than publish a schema that accepts anything in its place.
    unrepresentable: 'throw',
    metadata: registry,
    uri: (id) => `#/components/schemas/${id}`,
    override: ({ jsonSchema }) => dropSafeIntegerBounds(jsonSchema as JsonSchema),
  });
  const out: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    // Components are addressed by their place in the document; `$id`/`$schema` would only compete.
    const { $id: _id, $schema: _schema, ...rest } = schema as JsonSchema;
    out[id] = rest;
  }
  return out;
}
