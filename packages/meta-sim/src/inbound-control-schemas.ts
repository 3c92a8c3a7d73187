import { z } from 'zod';

// Control API schemas for customer messages (`/_sim/webhooks/inbound*`), apart from control-schemas.ts.

const id = z.string().min(1);

/** `POST /_sim/webhooks/inbound`: a customer message (see inbound-webhooks.ts). */
export const inboundMessageSchema = z.object({
  phoneNumberId: id,
  customer: z
    .object({
      waId: z
        .string()
        .regex(/^\d{5,20}$/)
        .optional(),
      userId: z
        .string()
        .regex(/^[A-Z]{2}\.[A-Za-z0-9.]{1,140}$/)
        .optional(),
      username: id.optional(),
      name: id.optional(),
    })
    .refine((c) => c.waId !== undefined || c.userId !== undefined, 'customer needs a waId or a userId'),
  groupId: id.optional(),
  message: z.discriminatedUnion('type', [
    z.object({ type: z.literal('text'), text: z.string().min(1) }),
    z.object({
      type: z.literal('image'),
      mediaId: id,
      mimeType: id.optional(),
      sha256: id.optional(),
      caption: z.string().optional(),
    }),
    z.object({
      type: z.literal('audio'),
      mediaId: id,
      mimeType: id.optional(),
      sha256: id.optional(),
      voice: z.boolean().optional(),
    }),
    z.object({
      type: z.literal('video'),
      mediaId: id,
      mimeType: id.optional(),
      sha256: id.optional(),
      caption: z.string().optional(),
    }),
    z.object({
      type: z.literal('document'),
      mediaId: id,
      mimeType: id.optional(),
      sha256: id.optional(),
      caption: z.string().optional(),
      filename: z.string().min(1).optional(),
    }),
    z.object({
      type: z.literal('sticker'),
      mediaId: id,
      mimeType: id.optional(),
      sha256: id.optional(),
      animated: z.boolean().optional(),
    }),
    z.object({ type: z.literal('reaction'), messageId: id, emoji: z.string() }),
  ]),
});

/** `POST /_sim/webhooks/inbound-messaging`: a Messenger / Instagram message with attachments. */
export const inboundMessagingSchema = z.object({
  channel: z.enum(['messenger', 'instagram']),
  accountId: id,
  senderId: id,
  text: z.string().optional(),
  attachments: z
    .array(z.object({ type: z.enum(['image', 'audio', 'video', 'file']), url: z.url() }))
    .min(1)
    .max(10),
});
