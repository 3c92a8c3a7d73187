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
import {
  CallPayloadSchema,
  ContactChangePayloadSchema,
  MarketingPreferencePayloadSchema,
} from './whatsapp-payloads.ts';

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
  'contact_change',
  'call',
  'marketing_preference',
  'unsupported',
] as const;
export const InboundEventKindSchema = z.enum(INBOUND_EVENT_KINDS);
export type InboundEventKind = z.infer<typeof InboundEventKindSchema>;

export const AccountSchema = z.object({
  /** Tenant routing id: phone_number_id (WhatsApp: any change whose value has
   * `metadata.phone_number_id`; the WABA id only for changes without a number, such as templates),
   * Page id (Messenger), IG account id (Instagram), external business id (FBE). */
  id: IdSchema,
  wabaId: IdSchema.optional(),
});

/**
 * The customer, also on statuses and echoes (where it is the recipient). WhatsApp identity rule
 * (docs/services.md, "Who the customer is"): `id` is the phone number (`wa_id`) whenever Meta sends
 * one, and the business-scoped user id (BSUID) only for customers who reach the business with a
 * username and no phone number; `userId` carries the BSUID whenever Meta sends one. A consumer that
 * keyed customers by `id` before BSUIDs keeps the same keys.
 */
export const ContactSchema = z.object({
  /** wa_id (or, without one, the BSUID), PSID or IGSID. */
  id: IdSchema,
  name: z.string().optional(),
  /** WhatsApp business-scoped user id (`user_id`, e.g. `US.13491208655302741918`). */
  userId: IdSchema.optional(),
  /** WhatsApp parent BSUID (`parent_user_id`, contains `ENT`): shared across linked portfolios. */
  parentUserId: IdSchema.optional(),
  /** WhatsApp username (`profile.username`), when the customer has adopted one. */
  username: z.string().min(1).optional(),
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
  /**
   * WhatsApp coexistence history sync (`history` field): a message from before the number joined the
   * Cloud API, delivered once at onboarding. Not new: a bot must not answer it. Its `eventId` equals
   * the live delivery's, so a consumer that saw the message live deduplicates it.
   */
  history: z
    .object({
      /** Meta's `history_context.status` of the message (DELIVERED, READ, PLAYED, …), verbatim. */
      status: z.string().min(1).optional(),
      /** Sync phase (0: last day, 1: days 1–90, 2: days 90–180) and chunk, from `history[].metadata`. */
      phase: z.int().nonnegative().optional(),
      chunkOrder: z.int().nonnegative().optional(),
      /** Percentage of the whole sync delivered so far. */
      progress: z.number().min(0).max(100).optional(),
    })
    .optional(),
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
    ...conversational,
    kind: z.literal('contact_change'),
    channel: z.literal('whatsapp'),
    payload: ContactChangePayloadSchema,
  }),
  z.object({
    ...conversational,
    kind: z.literal('call'),
    channel: z.literal('whatsapp'),
    payload: CallPayloadSchema,
  }),
  z.object({
    ...conversational,
    kind: z.literal('marketing_preference'),
    channel: z.literal('whatsapp'),
    payload: MarketingPreferencePayloadSchema,
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

/**
 * What is wrong with a record parseInboundEvent refused, for a log line: the first few issues as
 * `path: message`, never the values (an event may carry personal data).
 */
export function describeInvalidEvent(error: z.ZodError, max = 5): string[] {
  return error.issues.slice(0, max).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
}
