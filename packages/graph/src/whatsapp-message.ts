import {
  exactlyOneSource,
  InteractiveMessageSchema,
  ReactionMessageSchema,
  RecipientTypeSchema,
  TemplateMessageSchema,
  TextMessageSchema,
  textOverLimit,
} from '@omnistream/events';
import { z } from 'zod';
import { BodyIdSchema, HttpUrlSchema, PathIdSchema, TokenSchema } from './input-primitives.ts';

/**
 * What `sendWhatsApp` accepts: the Cloud API message types in the gateway's camelCase shape, mapped
 * onto Meta's JSON by whatsapp-body.ts. Built from the events package's outbound message schemas and
 * limits (packages/events/src/outbound-message.ts, the one place a message type is declared); only
 * what a send command cannot carry (location, contacts) and Graph's own field limits are added here.
 * Limits from the WhatsApp Cloud API Messages reference.
 */

/** templates.ts checks template creation with the same name and language rules. */
export { LanguageCodeSchema, TemplateNameSchema } from '@omnistream/events';

const source = { id: BodyIdSchema.optional(), link: HttpUrlSchema.optional() };
/** Media captions: 1024 characters (Messages reference, media object). */
const caption = z.string().min(1).max(1024);

export const WhatsAppTextSchema = TextMessageSchema.extend({
  text: TextMessageSchema.shape.text.superRefine((text, ctx) => {
    const tooLong = textOverLimit('whatsapp', text);
    if (tooLong !== undefined) ctx.addIssue({ code: 'custom', message: tooLong });
  }),
});

/* Which media type takes a caption or a filename is WHATSAPP_MEDIA_OPTIONS's to say (input-validation
 * tests hold these three schemas to it); Graph adds the length limits. */
const CaptionedMediaSchema = z
  .strictObject({ type: z.enum(['image', 'video']), ...source, caption: caption.optional() })
  .superRefine(exactlyOneSource);
const DocumentSchema = z
  .strictObject({
    type: z.literal('document'),
    ...source,
    caption: caption.optional(),
    filename: z.string().min(1).max(240).optional(),
  })
  .superRefine(exactlyOneSource);
/** WhatsApp refuses a caption on audio and stickers. */
const BareMediaSchema = z
  .strictObject({ type: z.enum(['audio', 'sticker']), ...source })
  .superRefine(exactlyOneSource);

export const WhatsAppLocationSchema = z.strictObject({
  type: z.literal('location'),
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  name: z.string().min(1).max(1000).optional(),
  address: z.string().min(1).max(1000).optional(),
});

const typed = <T extends z.ZodRawShape>(shape: T) =>
  z.strictObject({ ...shape, type: z.string().min(1).max(32).optional() });

/** A contact card (Messages reference, contacts object); only `name.formattedName` is required. */
export const WhatsAppContactSchema = z.strictObject({
  name: z.strictObject({
    formattedName: z.string().min(1),
    firstName: z.string().min(1).optional(),
    lastName: z.string().min(1).optional(),
    middleName: z.string().min(1).optional(),
    prefix: z.string().min(1).optional(),
    suffix: z.string().min(1).optional(),
  }),
  phones: z.array(typed({ phone: z.string().min(1), waId: z.string().min(1).optional() })).optional(),
  emails: z.array(typed({ email: z.string().min(1) })).optional(),
  urls: z.array(typed({ url: z.string().min(1) })).optional(),
  addresses: z
    .array(
      typed({
        street: z.string().min(1).optional(),
        city: z.string().min(1).optional(),
        state: z.string().min(1).optional(),
        zip: z.string().min(1).optional(),
        country: z.string().min(1).optional(),
        countryCode: z.string().min(1).optional(),
      }),
    )
    .optional(),
  org: z
    .strictObject({
      company: z.string().min(1).optional(),
      department: z.string().min(1).optional(),
      title: z.string().min(1).optional(),
    })
    .optional(),
  birthday: z.iso.date().optional(),
});
export type WhatsAppContact = z.infer<typeof WhatsAppContactSchema>;

export const WhatsAppContactsSchema = z.strictObject({
  type: z.literal('contacts'),
  contacts: z.array(WhatsAppContactSchema).min(1),
});

/** Buttons, list or CTA URL, and templates: the send command's own schemas. */
export const WhatsAppInteractiveSchema = InteractiveMessageSchema;
export const WhatsAppTemplateSchema = TemplateMessageSchema;

/** A body id may be up to 512 characters here (input-primitives.ts). */
export const WhatsAppReactionSchema = ReactionMessageSchema.extend({ messageId: BodyIdSchema });

export const WhatsAppMessageSchema = z.discriminatedUnion('type', [
  WhatsAppTextSchema,
  CaptionedMediaSchema,
  DocumentSchema,
  BareMediaSchema,
  WhatsAppLocationSchema,
  WhatsAppContactsSchema,
  WhatsAppInteractiveSchema,
  WhatsAppTemplateSchema,
  WhatsAppReactionSchema,
]);
export type WhatsAppMessage = z.infer<typeof WhatsAppMessageSchema>;

export const SendWhatsAppInputSchema = z
  .strictObject({
    phoneNumberId: PathIdSchema,
    token: TokenSchema,
    /**
     * Phone number in any format Meta accepts (`+1 650-555-1234`, `16505551234`), a business-scoped
     * user id (BSUID, `US.13491208655302741918`: up to 128 alphanumerics after the country code; sent
     * to Meta as `recipient`), or a group id with `recipientType: "group"`.
     */
    to: z.string().regex(/^\S(.{0,150}\S)?$/, 'must be a phone number, user id or group id'),
    /** `group`: a Groups API group (`recipient_type: "group"`). Default individual. */
    recipientType: RecipientTypeSchema.optional(),
    message: WhatsAppMessageSchema,
    /** wamid to quote (`context.message_id`). */
    replyTo: BodyIdSchema.optional(),
    /**
     * `biz_opaque_callback_data`: echoed in this message's status webhooks (Messages reference), so
     * the sender can put its command id here and match statuses without a lookup. Up to 512 chars.
     */
    callbackData: z.string().min(1).max(512).optional(),
  })
  .superRefine((input, ctx) => {
    if (input.replyTo !== undefined && input.message.type === 'reaction') {
      ctx.addIssue({ code: 'custom', path: ['replyTo'], message: 'a reaction cannot quote a message' });
    }
  });
export type SendWhatsAppInput = z.input<typeof SendWhatsAppInputSchema>;

export const MarkWhatsAppReadInputSchema = z.strictObject({
  phoneNumberId: PathIdSchema,
  token: TokenSchema,
  messageId: BodyIdSchema,
});
export type MarkWhatsAppReadInput = z.input<typeof MarkWhatsAppReadInputSchema>;
