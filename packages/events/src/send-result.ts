import { z } from 'zod';
import { IdSchema, IsoDateTimeSchema, MessagingChannelSchema, SchemaVersionSchema } from './primitives.ts';

/** Error of a failed send, classified by message-sender from Meta's `error.code` / `error_subcode`. */
export const SendErrorSchema = z.object({
  /** Gateway error code: `GRAPH_<meta code>` for Graph errors (`GRAPH_131047`), else `NETWORK_TIMEOUT`, … */
  code: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must be an UPPER_SNAKE_CASE error code'),
  metaCode: z.int().optional(),
  metaSubcode: z.int().optional(),
  message: z.string().min(1),
  /** False once the sender gave up on this error; true when it failed on a retryable error (attempts ran out). */
  retryable: z.boolean(),
  fbtraceId: z.string().min(1).optional(),
});
export type SendError = z.infer<typeof SendErrorSchema>;

const resultShape = {
  schemaVersion: SchemaVersionSchema,
  commandId: IdSchema,
  integrationId: IdSchema,
  channel: MessagingChannelSchema,
  to: IdSchema,
};

export const SendResultSchema = z.discriminatedUnion('outcome', [
  z.object({
    ...resultShape,
    outcome: z.literal('sent'),
    /** Meta's id of the sent message (`wamid.…` / `mid`); null for calls that create no message
     * (`mark_read`, `sender_action`), whose responses carry no message id. */
    metaMessageId: IdSchema.nullable(),
    attempts: z.int().min(1),
    sentAt: IsoDateTimeSchema,
  }),
  z.object({
    ...resultShape,
    outcome: z.literal('failed'),
    error: SendErrorSchema,
    /** 0 when the command failed before any Graph call (e.g. no usable integration). */
    attempts: z.int().nonnegative(),
    failedAt: IsoDateTimeSchema,
  }),
]);
export type SendResult = z.infer<typeof SendResultSchema>;

export function parseSendResult(input: unknown): z.ZodSafeParseResult<SendResult> {
  return SendResultSchema.safeParse(input);
}
