import { z } from 'zod';
import { InteractiveSchema } from './interactive-message.ts';
import { exactlyOneSource, IdSchema } from './primitives.ts';

/**
 * The `message` of a send command. Objects are strict: a command comes from a downstream system, and a
 * misspelt field (`previewURL`) must fail validation rather than be dropped silently. Which types and
 * options each channel accepts is checked on the whole command (send-command.ts), where the channel is
 * known.
 */

export const TextMessageSchema = z.strictObject({
  type: z.literal('text'),
  text: z.string().min(1),
  /** WhatsApp only: render a link preview for the first URL. */
  previewUrl: z.boolean().optional(),
});

/** `document` and `sticker` are WhatsApp's; `file` is Instagram's and Messenger's generic attachment. */
export const OUTBOUND_MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker', 'file'] as const;
export type OutboundMediaType = (typeof OUTBOUND_MEDIA_TYPES)[number];

export const MediaMessageSchema = z
  .strictObject({
    type: z.literal('media'),
    mediaType: z.enum(OUTBOUND_MEDIA_TYPES),
    /** A WhatsApp media id, or a Messenger / Instagram reusable attachment id. */
    id: IdSchema.optional(),
    link: z.httpUrl().optional(),
    caption: z.string().min(1).optional(),
    filename: z.string().min(1).optional(),
  })
  .superRefine(exactlyOneSource);

/**
 * WhatsApp template. `components` go to Graph verbatim (Meta's snake_case shape: `type`, `sub_type`,
 * `index`, `parameters[]`), so only their skeleton is checked here.
 */
export const TemplateMessageSchema = z.strictObject({
  type: z.literal('template'),
  /** Meta allows lowercase letters, digits and underscores in template names. */
  name: z
    .string()
    .min(1)
    .max(512)
    .regex(/^[a-z0-9_]+$/, 'template names hold lowercase letters, digits and underscores only'),
  /** Template language code as registered (`en`, `en_US`, `pt_BR`). */
  language: z
    .string()
    .regex(/^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,4})?$/, 'must be a language code such as en_US'),
  components: z
    .array(
      z.looseObject({
        type: z.string().min(1),
        parameters: z.array(z.looseObject({ type: z.string().min(1) })).optional(),
      }),
    )
    .optional(),
});

export const InteractiveMessageSchema = z.strictObject({
  type: z.literal('interactive'),
  interactive: InteractiveSchema,
});

export const ReactionMessageSchema = z.strictObject({
  type: z.literal('reaction'),
  /** The wamid reacted to. */
  messageId: IdSchema,
  /** An empty string removes the business's earlier reaction (WhatsApp's convention). */
  emoji: z.string().max(32),
});

export const MarkReadMessageSchema = z.strictObject({
  type: z.literal('mark_read'),
  messageId: IdSchema,
});

export const SenderActionMessageSchema = z.strictObject({
  type: z.literal('sender_action'),
  action: z.enum(['typing_on', 'typing_off', 'mark_seen']),
});

export const OUTBOUND_MESSAGE_TYPES = [
  'text',
  'media',
  'template',
  'interactive',
  'reaction',
  'mark_read',
  'sender_action',
] as const;
export type OutboundMessageType = (typeof OUTBOUND_MESSAGE_TYPES)[number];

export const OutboundMessageSchema = z.discriminatedUnion('type', [
  TextMessageSchema,
  MediaMessageSchema,
  TemplateMessageSchema,
  InteractiveMessageSchema,
  ReactionMessageSchema,
  MarkReadMessageSchema,
  SenderActionMessageSchema,
]);
export type OutboundMessage = z.infer<typeof OutboundMessageSchema>;
