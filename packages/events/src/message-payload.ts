import { z } from 'zod';
import { FetchPathSchema } from './media-fetch-path.ts';
import { IdSchema, MetaErrorSchema, MetaObjectSchema } from './primitives.ts';

/**
 * `type` of a normalized message. WhatsApp's own types are kept; Instagram and Messenger messages carry
 * either `text` or `attachments[]`, so they normalize to `text` or `attachment`.
 *
 * WhatsApp's `reaction` message type is deliberately absent: every reaction, whatever the channel, is
 * published as an event of kind `reaction`, so consumers handle them in one place.
 */
export const INBOUND_MESSAGE_TYPES = [
  'text',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'button',
  'order',
  'system',
  'attachment',
  'unsupported',
] as const;
export type InboundMessageType = (typeof INBOUND_MESSAGE_TYPES)[number];

const MEDIA_MESSAGE_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;

/** WhatsApp media: only the id arrives (GET /{media-id} gives a URL valid for 5 minutes). */
export const InboundMediaSchema = z
  .object({
    id: IdSchema.optional(),
    url: z.httpUrl().optional(),
    /** The gateway path that streams this media with the integration's token
     * (`/admin/integrations/{integrationId}/media/{id}`, see mediaFetchPath); present only when the
     * event's `integrationId` is known and the media has an `id`. */
    fetchPath: FetchPathSchema.optional(),
    mimeType: z.string().min(1).optional(),
    sha256: z.string().min(1).optional(),
    caption: z.string().optional(),
    filename: z.string().optional(),
    /** WhatsApp audio recorded as a voice note. */
    voice: z.boolean().optional(),
    /** WhatsApp animated sticker. */
    animated: z.boolean().optional(),
  })
  .refine((media) => media.id !== undefined || media.url !== undefined, {
    message: 'media needs an id or a url',
    path: ['id'],
  });
export type InboundMedia = z.infer<typeof InboundMediaSchema>;

/** Instagram / Messenger `message.attachments[]`. */
export const InboundAttachmentSchema = z.object({
  /** image | video | audio | file | share | story_mention | ig_reel | reel | template | fallback | …:
   * left open because Meta adds attachment types without notice. */
  type: z.string().min(1),
  url: z.httpUrl().optional(),
  /** The gateway path that streams `url` (`/admin/integrations/{integrationId}/attachments?url=…`, see
   * attachmentFetchPath); present only when the event's `integrationId` is known and there is a `url`
   * (not on `fallback`, a link to a web page). Meta's CDN URLs expire: the gateway answers 410 then. */
  fetchPath: FetchPathSchema.optional(),
  title: z.string().optional(),
  /** The attachment's `payload`, verbatim. */
  payload: MetaObjectSchema.optional(),
});
export type InboundAttachment = z.infer<typeof InboundAttachmentSchema>;

export const InboundLocationSchema = z.object({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  name: z.string().optional(),
  address: z.string().optional(),
  url: z.string().optional(),
});

/** WhatsApp `interactive` replies: a tapped reply button, a picked list row, or a submitted Flow. */
export const InteractiveReplySchema = z.discriminatedUnion('replyType', [
  z.object({ replyType: z.literal('button_reply'), id: z.string().min(1), title: z.string() }),
  z.object({
    replyType: z.literal('list_reply'),
    id: z.string().min(1),
    title: z.string(),
    description: z.string().optional(),
  }),
  z.object({
    replyType: z.literal('nfm_reply'),
    name: z.string().optional(),
    body: z.string().optional(),
    responseJson: z.string(),
  }),
]);
export type InteractiveReply = z.infer<typeof InteractiveReplySchema>;

/** Fields any message may carry, whatever its type. */
const commonShape = {
  /** `wamid.…` on WhatsApp, `mid` on Instagram / Messenger. */
  messageId: IdSchema,
  /** Set only when the message quotes another one (WhatsApp `context.id`, Instagram `reply_to.mid`). */
  replyTo: z.object({ messageId: IdSchema, from: IdSchema.optional() }).optional(),
  /** WhatsApp `context.forwarded` / `context.frequently_forwarded`. */
  forwarded: z.boolean().optional(),
  frequentlyForwarded: z.boolean().optional(),
  /** Instagram / Messenger `quick_reply.payload` of the tapped quick reply. */
  quickReply: z.object({ payload: z.string() }).optional(),
  /** Click-to-WhatsApp / Messenger ad or m.me referral, verbatim. */
  referral: MetaObjectSchema.optional(),
  /** WhatsApp `context.referred_product` (`catalog_id`, `product_retailer_id`): the customer asked about
   * a catalog product from a product message, verbatim. */
  referredProduct: MetaObjectSchema.optional(),
  /** Instagram `reply_to.story` (`id`, `url`): the customer replied to the business's story. There is
   * no message to quote, so it cannot be `replyTo`. Verbatim. */
  replyToStory: MetaObjectSchema.optional(),
  /** WhatsApp attaches `errors[]` to messages it could not render (type `unsupported`). */
  errors: z.array(MetaErrorSchema).optional(),
  /** WhatsApp Groups API: the group the message was sent in; the envelope's contact is the member who
   * sent it, and the Kafka key is the group's (see inboundKey). Reply with `recipientType: "group"`. */
  groupId: IdSchema.optional(),
};

/**
 * One variant per message type so that narrowing on `type` gives consumers the content field as
 * required (`type === 'text'` ⇒ `text: string`). `extra` adds kind-specific fields (echo's `appId`).
 */
function messageVariants<Extra extends z.core.$ZodLooseShape>(extra: Extra) {
  const base = { ...commonShape, ...extra };
  return [
    z.object({ ...base, type: z.literal('text'), text: z.string() }),
    z.object({ ...base, type: z.enum(MEDIA_MESSAGE_TYPES), media: InboundMediaSchema }),
    z.object({ ...base, type: z.literal('location'), location: InboundLocationSchema }),
    /** WhatsApp contact cards, verbatim: their structure is deep and nothing here interprets it. */
    z.object({ ...base, type: z.literal('contacts'), contacts: z.array(MetaObjectSchema).min(1) }),
    z.object({ ...base, type: z.literal('interactive'), interactive: InteractiveReplySchema }),
    /** WhatsApp quick-reply button on a template. */
    z.object({
      ...base,
      type: z.literal('button'),
      button: z.object({ text: z.string(), payload: z.string().optional() }),
    }),
    z.object({ ...base, type: z.literal('order'), order: MetaObjectSchema }),
    /** WhatsApp system notices (the customer changed number, …). */
    z.object({ ...base, type: z.literal('system'), system: MetaObjectSchema }),
    z.object({
      ...base,
      type: z.literal('attachment'),
      attachments: z.array(InboundAttachmentSchema).min(1),
      text: z.string().optional(),
    }),
    z.object({ ...base, type: z.literal('unsupported'), text: z.string().optional() }),
  ] as const;
}

export const MessagePayloadSchema = z.discriminatedUnion('type', messageVariants({}));
export type MessagePayload = z.infer<typeof MessagePayloadSchema>;

/**
 * A message the business sent, reported back by Meta (`is_echo`, WhatsApp coexistence echoes). Same
 * shape as an inbound message; the envelope's `contact` is the customer it was sent to.
 */
export const EchoPayloadSchema = z.discriminatedUnion(
  'type',
  messageVariants({
    /** Messenger `app_id`: which app sent it, so the gateway's own sends can be told apart from the
     * Page inbox's. */
    appId: IdSchema.optional(),
    /** Messenger `metadata` string passed at send time. */
    metadata: z.string().optional(),
  }),
);
export type EchoPayload = z.infer<typeof EchoPayloadSchema>;
