import { z } from 'zod';
import { IdSchema, MetaErrorSchema } from './primitives.ts';

/**
 * Payloads of the WhatsApp kinds added for Meta's 2026 platform (docs/services.md, "Events"): contact
 * identity changes, Business Calling API calls and marketing-message preferences.
 */

/** The identifiers Meta knows a WhatsApp user by: a phone number (`wa_id`), a BSUID, or both. */
export const WhatsAppIdsSchema = z
  .object({
    /** Phone number as Meta normalizes it (`wa_id`, digits only). */
    waId: IdSchema.optional(),
    /** Business-scoped user id (`user_id`, e.g. `US.13491208655302741918`). */
    userId: IdSchema.optional(),
  })
  .refine((ids) => ids.waId !== undefined || ids.userId !== undefined, {
    message: 'needs a waId or a userId',
    path: ['waId'],
  });
export type WhatsAppIds = z.infer<typeof WhatsAppIdsSchema>;

/**
 * What changed about a customer:
 * - `number_changed`, `user_id_changed`: a WhatsApp `system` message (the customer moved to a new
 *   number, or Meta issued a new BSUID); `previous` → `current` links the old and new identifiers;
 * - `added`, `updated`, `removed`: the business's contact book in the WhatsApp Business app
 *   (coexistence, `smb_app_state_sync`).
 * Open to values Meta adds; the `raw` fragment always has the details.
 */
export const CONTACT_CHANGES = ['number_changed', 'user_id_changed', 'added', 'updated', 'removed'] as const;

export const ContactChangePayloadSchema = z.object({
  change: z.enum(CONTACT_CHANGES),
  /** `system` (a system message in a conversation), `user_id_update` (Meta's webhook field of that
   * name) or `app_contacts` (the Business app's contact book). */
  source: z.enum(['system', 'user_id_update', 'app_contacts']),
  previous: WhatsAppIdsSchema.optional(),
  current: WhatsAppIdsSchema.optional(),
  /** App contact book: the name the business saved (`full_name`, `first_name`). */
  fullName: z.string().optional(),
  firstName: z.string().optional(),
  /** System messages: Meta's human-readable text ("User A changed from … to …"). */
  body: z.string().optional(),
  /** The wamid of the system message, when the change came as one. */
  messageId: IdSchema.optional(),
});
export type ContactChangePayload = z.infer<typeof ContactChangePayloadSchema>;

/**
 * Business Calling API (`calls` field): one event per call event or call status. `event` is Meta's
 * (`connect`, `terminate`) or `status` for the business-initiated call statuses (`RINGING`,
 * `ACCEPTED`, `REJECTED`, …, in `status`). The SDP offer/answer stays in `raw` only.
 */
export const CallPayloadSchema = z.object({
  callId: IdSchema,
  event: z.string().min(1),
  /** `USER_INITIATED` or `BUSINESS_INITIATED`, verbatim. */
  direction: z.string().min(1).optional(),
  /** Terminate events: `COMPLETED` / `FAILED`; status events: `RINGING`, `ACCEPTED`, `REJECTED`, … */
  status: z.string().min(1).optional(),
  startedAt: z.iso.datetime({ offset: true }).optional(),
  endedAt: z.iso.datetime({ offset: true }).optional(),
  durationSeconds: z.number().nonnegative().optional(),
  /** `biz_opaque_callback_data` given when the business started the call. */
  bizOpaqueCallbackData: z.string().optional(),
  errors: z.array(MetaErrorSchema).optional(),
});
export type CallPayload = z.infer<typeof CallPayloadSchema>;

/**
 * `user_preferences`: the customer stopped or resumed a category of messages (today Meta reports
 * `marketing_messages`). The message-sender records it and refuses MARKETING templates to a customer
 * who stopped them until they resume.
 */
export const MarketingPreferencePayloadSchema = z.object({
  preference: z.enum(['stop', 'resume']),
  /** Meta's `category`, verbatim (`marketing_messages`). */
  category: z.string().min(1),
  /** Meta's `detail`, for humans. */
  detail: z.string().optional(),
});
export type MarketingPreferencePayload = z.infer<typeof MarketingPreferencePayloadSchema>;
