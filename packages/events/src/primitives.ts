import { z } from 'zod';

/** Every record on every topic carries this; a breaking change means a new topic (`*.v2`) and version. */
export const SCHEMA_VERSION = 1 as const;
export const SchemaVersionSchema = z.literal(SCHEMA_VERSION);

export const MESSAGING_CHANNELS = ['whatsapp', 'instagram', 'messenger'] as const;
export const MessagingChannelSchema = z.enum(MESSAGING_CHANNELS);
export type MessagingChannel = z.infer<typeof MessagingChannelSchema>;

/**
 * Inbound events may also come from the Business Extension webhook (`/webhook/fbe`). An install spans
 * Pages, Instagram profiles, a pixel and a catalog at once, so filing it under one messaging channel
 * would mislead consumers that filter or partition by channel. `fbe` is therefore a channel of its own,
 * and the inbound schema allows it only on `fbe_install` / `fbe_uninstall` (and `unsupported`).
 */
export const EVENT_CHANNELS = [...MESSAGING_CHANNELS, 'fbe'] as const;
export const EventChannelSchema = z.enum(EVENT_CHANNELS);
export type EventChannel = z.infer<typeof EventChannelSchema>;

/** ISO 8601 with `Z` or an explicit offset; producers write `Date#toISOString()`. */
export const IsoDateTimeSchema = z.iso.datetime({ offset: true });

/** Meta ids (wamid, mid, PSID, IGSID, phone_number_id, …) and our own ids: non-empty, no whitespace. */
export const IdSchema = z.string().regex(/^\S+$/, 'must be a non-empty id without whitespace');

/**
 * A Meta sub-object copied verbatim (snake_case keys kept) because Meta keeps adding fields to it and
 * the gateway does not interpret it: referral, order, system, pricing and the like.
 */
export const MetaObjectSchema = z.record(z.string(), z.unknown());

/** One entry of Meta's `errors[]` (WhatsApp statuses, unsupported messages). */
export const MetaErrorSchema = z.object({
  code: z.int(),
  title: z.string(),
  message: z.string().optional(),
  /** WhatsApp nests this under `error_data.details`. */
  details: z.string().optional(),
});
export type MetaError = z.infer<typeof MetaErrorSchema>;

/** Media is referenced by a Meta media id or by a public link, never both. */
export function exactlyOneSource(
  value: { id?: string | undefined; link?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (value.id !== undefined && value.link !== undefined) {
    ctx.addIssue({ code: 'custom', message: 'give either id or link, not both', path: ['link'] });
  } else if (value.id === undefined && value.link === undefined) {
    ctx.addIssue({ code: 'custom', message: 'give an id or a link', path: ['id'] });
  }
}
