import { z } from 'zod';
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
import {
  EventChannelSchema,
  IdSchema,
  IsoDateTimeSchema,
  MessagingChannelSchema,
  SchemaVersionSchema,
} from './primitives.ts';
import { RawFragmentSchema } from './raw-fragment.ts';

export const INBOUND_EVENT_KINDS = [
  'message',
  'status',
  'postback',
  'seen',
  'delivery',
  'reaction',
  'echo',
  'template_status',
  'fbe_install',
  'fbe_uninstall',
  'unsupported',
] as const;
export const InboundEventKindSchema = z.enum(INBOUND_EVENT_KINDS);
export type InboundEventKind = z.infer<typeof InboundEventKindSchema>;

export const AccountSchema = z.object({
  /** Tenant routing id: phone_number_id (WhatsApp; the WABA id for template events, which have no
   * number), Page id (Messenger), IG account id (Instagram), external business id (FBE). */
  id: IdSchema,
  wabaId: IdSchema.optional(),
});

export const ContactSchema = z.object({
  /** wa_id, PSID or IGSID: the customer, also on statuses and echoes (where it is the recipient). */
  id: IdSchema,
  name: z.string().optional(),
});
export type Contact = z.infer<typeof ContactSchema>;

/**
 * Fields common to every kind. Unknown top-level keys are stripped rather than rejected, so that a
 * consumer on an older release keeps reading events after an additive change to version 1.
 */
const envelopeShape = {
  schemaVersion: SchemaVersionSchema,
  /** See `eventId()`: deterministic from Meta's ids so Meta's retries map to the same id. */
  eventId: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex characters (see eventId())'),
  account: AccountSchema,
  /** Resolved from the integrations cache; null while no integration matches the account. */
  integrationId: IdSchema.nullable(),
  /** When Meta says it happened (its `timestamp`); order by this, Meta's delivery order is not guaranteed. */
  occurredAt: IsoDateTimeSchema,
  /** When the ingestor accepted the webhook. */
  receivedAt: IsoDateTimeSchema,
  raw: RawFragmentSchema,
  /**
   * Messenger/Instagram handover protocol: Meta delivered this through `standby[]` because another
   * app owns the thread. Present only then; a bot should read but not answer.
   */
  standby: z.literal(true).optional(),
};

/**
 * Kinds that belong to a conversation require a contact: it is part of the Kafka key, which keeps one
 * customer's events in order on one partition.
 */
const conversational = { ...envelopeShape, contact: ContactSchema };
const accountLevel = { ...envelopeShape, contact: ContactSchema.optional() };

/** Instagram and Messenger only: WhatsApp reports button taps as messages and reads as statuses. */
const PageChannelSchema = z.enum(['instagram', 'messenger']);

export const InboundEventSchema = z.discriminatedUnion('kind', [
  z.object({
    ...conversational,
    kind: z.literal('message'),
    channel: MessagingChannelSchema,
    payload: MessagePayloadSchema,
  }),
  z.object({
    ...conversational,
    kind: z.literal('status'),
    channel: z.literal('whatsapp'),
    payload: StatusPayloadSchema,
  }),
  z.object({
    ...conversational,
    kind: z.literal('postback'),
    channel: PageChannelSchema,
    payload: PostbackPayloadSchema,
  }),
  z.object({
    ...conversational,
    kind: z.literal('seen'),
    channel: PageChannelSchema,
    payload: SeenPayloadSchema,
  }),
  z.object({
    ...conversational,
    kind: z.literal('delivery'),
    channel: PageChannelSchema,
    payload: DeliveryPayloadSchema,
  }),
  z.object({
    ...conversational,
    kind: z.literal('reaction'),
    channel: MessagingChannelSchema,
    payload: ReactionPayloadSchema,
  }),
  z.object({
    ...conversational,
    kind: z.literal('echo'),
    channel: MessagingChannelSchema,
    payload: EchoPayloadSchema,
  }),
  z.object({
    ...accountLevel,
    kind: z.literal('template_status'),
    channel: z.literal('whatsapp'),
    payload: TemplateStatusPayloadSchema,
  }),
  z.object({
    ...accountLevel,
    kind: z.literal('fbe_install'),
    channel: z.literal('fbe'),
    payload: FbePayloadSchema,
  }),
  z.object({
    ...accountLevel,
    kind: z.literal('fbe_uninstall'),
    channel: z.literal('fbe'),
    payload: FbePayloadSchema,
  }),
  z.object({
    ...accountLevel,
    kind: z.literal('unsupported'),
    channel: EventChannelSchema,
    payload: UnsupportedPayloadSchema,
  }),
]);

export type InboundEvent = z.infer<typeof InboundEventSchema>;
/** The event type of one kind: `InboundEventOf<'status'>['payload']` is a `StatusPayload`. */
export type InboundEventOf<K extends InboundEventKind> = Extract<InboundEvent, { kind: K }>;

export function parseInboundEvent(input: unknown): z.ZodSafeParseResult<InboundEvent> {
  return InboundEventSchema.safeParse(input);
}
