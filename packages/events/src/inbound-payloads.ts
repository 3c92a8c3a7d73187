import { z } from 'zod';
import { IdSchema, MetaErrorSchema, MetaObjectSchema } from './primitives.ts';

/**
 * WhatsApp delivery statuses. Only sent < delivered < read < played move forward (`played`: the
 * customer played a voice message, after reading it); failed is terminal. `deleted` and `warning`
 * exist in Meta's status enum; anything else the ingestor meets becomes `unsupported`.
 */
export const MESSAGE_STATUSES = [
  'sent',
  'delivered',
  'read',
  'played',
  'failed',
  'deleted',
  'warning',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const StatusPayloadSchema = z.object({
  /** The `wamid` of the business's message. */
  messageId: IdSchema,
  status: z.enum(MESSAGE_STATUSES),
  recipientId: IdSchema,
  /** Verbatim from Meta (`id`, `origin.type`, `expiration_timestamp`, …). */
  conversation: z.looseObject({ id: z.string().min(1) }).optional(),
  /** Verbatim from Meta (`billable`, `pricing_model`, `category`, …). */
  pricing: MetaObjectSchema.optional(),
  errors: z.array(MetaErrorSchema).optional(),
  /** `biz_opaque_callback_data` the business attached when sending. */
  bizOpaqueCallbackData: z.string().optional(),
  /** Groups API: the message went to this group; `recipientId` is then the group too. */
  groupId: IdSchema.optional(),
  /**
   * Groups API: the member this status is about (a read in a group is one member's read, not the
   * group's). `id` follows the contact rule: the phone number when Meta sends one, else the BSUID.
   */
  participant: z.object({ id: IdSchema, userId: IdSchema.optional() }).optional(),
});
export type StatusPayload = z.infer<typeof StatusPayloadSchema>;

export const PostbackPayloadSchema = z.object({
  /** Present on Instagram and on newer Messenger postbacks. */
  mid: IdSchema.optional(),
  title: z.string().optional(),
  payload: z.string(),
  referral: MetaObjectSchema.optional(),
});
export type PostbackPayload = z.infer<typeof PostbackPayloadSchema>;

/** Messenger reports reads as a watermark (ms epoch: everything before it was read); Instagram as a mid. */
export const SeenPayloadSchema = z
  .object({ watermark: z.int().nonnegative().optional(), mid: IdSchema.optional() })
  .refine((seen) => seen.watermark !== undefined || seen.mid !== undefined, {
    message: 'seen needs a watermark or a mid',
    path: ['watermark'],
  });
export type SeenPayload = z.infer<typeof SeenPayloadSchema>;

export const DeliveryPayloadSchema = z.object({
  /** Meta may omit `mids`; the ingestor then publishes an empty list and the watermark alone counts. */
  mids: z.array(IdSchema),
  watermark: z.int().nonnegative(),
});
export type DeliveryPayload = z.infer<typeof DeliveryPayloadSchema>;

export const ReactionPayloadSchema = z.object({
  /** The message reacted to. */
  messageId: IdSchema,
  /** Absent on unreact. WhatsApp signals unreact with an empty emoji: that maps to `unreact`. */
  emoji: z.string().min(1).optional(),
  action: z.enum(['react', 'unreact']),
  /** Groups API: the reaction was made in this group (the envelope's contact is the member). */
  groupId: IdSchema.optional(),
});
export type ReactionPayload = z.infer<typeof ReactionPayloadSchema>;

const templateBase = {
  /** `message_template_id` (a number in the webhook; a string here, as all Graph ids). */
  templateId: IdSchema,
  templateName: z.string().min(1),
  language: z.string().min(1).optional(),
};
const ChangeSchema = z.object({ previous: z.string().optional(), current: z.string().min(1) });

/** The three WhatsApp template webhook fields, one variant each. */
export const TemplateStatusPayloadSchema = z.discriminatedUnion('field', [
  z.object({
    ...templateBase,
    field: z.literal('message_template_status_update'),
    /** APPROVED, REJECTED, PENDING, PAUSED, DISABLED, FLAGGED, …: open, Meta adds values. */
    event: z.string().min(1),
    reason: z.string().optional(),
  }),
  z.object({
    ...templateBase,
    field: z.literal('message_template_quality_update'),
    /** `previous_quality_score` → `new_quality_score` (GREEN, YELLOW, RED, UNKNOWN). */
    quality: ChangeSchema,
  }),
  z.object({
    ...templateBase,
    field: z.literal('template_category_update'),
    /** `previous_category` → `new_category`. */
    category: ChangeSchema,
  }),
]);
export type TemplateStatusPayload = z.infer<typeof TemplateStatusPayloadSchema>;

/** One of `installed_features[]` of the Business Extension install webhook (docs/meta-setup.md, FBE). */
export const FbeInstalledFeatureSchema = z.object({
  featureInstanceId: IdSchema,
  featureType: z.string().min(1),
  featureName: z.string().optional(),
  /** Asset ids by name (`page_id`, `ig_profile_id`, `pixel_id`, `catalog_id`, …), keys verbatim. */
  connectedAssets: z.record(z.string(), z.string()),
  /** Shape varies by feature (onsite_commerce_eligible, shop_status, …): kept verbatim. */
  additionalInfo: z.unknown().optional(),
});
export type FbeInstalledFeature = z.infer<typeof FbeInstalledFeatureSchema>;

/**
 * Business Extension install / uninstall. The access token Meta may include is never part of an event
 * (the inbound schema rejects an `access_token` anywhere in `raw`): the ingestor stores it encrypted
 * in `integrations` instead.
 */
export const FbePayloadSchema = z.object({
  /** The id the partner chose for this business (`fbe_external_business_id`); also `account.id`. */
  externalBusinessId: IdSchema,
  businessManagerId: IdSchema.optional(),
  /** Empty when Meta sends none (uninstalls usually carry no assets). */
  pages: z.array(IdSchema),
  instagramProfiles: z.array(IdSchema),
  pixelId: IdSchema.optional(),
  catalogId: IdSchema.optional(),
  adAccountId: IdSchema.optional(),
  commerceMerchantSettingsId: IdSchema.optional(),
  onsiteEligible: z.boolean().optional(),
  /** Sign-up flow (COMMERCE, CREATIVE, …). */
  flow: z.string().optional(),
  /** Whether the token delivered with the webhook is a user or a system-user token. */
  tokenType: z.string().optional(),
  /**
   * The token Meta delivered with the webhook, encrypted by the ingestor with the newest
   * TOKEN_ENCRYPTION_KEYS key (AES-256-GCM, the integrations format): the FBE consumer can store it
   * without the plaintext ever crossing Kafka.
   */
  encryptedToken: z
    .object({ ciphertext: z.string().min(1), keyId: z.string().min(1), last4: z.string().max(4) })
    .optional(),
  installedFeatures: z.array(FbeInstalledFeatureSchema),
});
export type FbePayload = z.infer<typeof FbePayloadSchema>;

export const UnsupportedPayloadSchema = z.object({
  /** Why it was not normalized, for humans (e.g. `unknown WhatsApp change field account_update`). */
  reason: z.string().min(1),
  /** Meta's own name for the thing (change field, message type, messaging key). */
  type: z.string().min(1).optional(),
});
export type UnsupportedPayload = z.infer<typeof UnsupportedPayloadSchema>;
