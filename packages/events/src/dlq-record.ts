import { z } from 'zod';
import { IsoDateTimeSchema, SchemaVersionSchema } from './primitives.ts';

/**
 * `marketing_opted_out`: a MARKETING template to a WhatsApp customer who stopped marketing messages.
 * `in_doubt`: an earlier attempt took the command and never recorded whether Meta accepted it (a
 * sender killed mid-send), and SENDER_IN_DOUBT=hold keeps it from being sent twice.
 */
export const DLQ_REASONS = [
  'invalid',
  'retries_exhausted',
  'non_retryable',
  'needs_reauth_timeout',
  'marketing_opted_out',
  'in_doubt',
] as const;
export type DlqReason = (typeof DLQ_REASONS)[number];

/** One failed attempt (or, for `invalid`, one validation problem). */
export const DlqErrorSchema = z.object({
  at: IsoDateTimeSchema,
  message: z.string().min(1),
  code: z.string().min(1).optional(),
  retryable: z.boolean().optional(),
});
export type DlqError = z.infer<typeof DlqErrorSchema>;

export const DlqRecordSchema = z.object({
  schemaVersion: SchemaVersionSchema,
  /** The command exactly as consumed, possibly invalid (that may be why it is here), so that an admin
   * can fix and replay it. */
  command: z.unknown().refine((command) => command !== undefined, 'command is required'),
  reason: z.enum(DLQ_REASONS),
  /** Every attempt's error, oldest first: a dead letter without its reasons cannot be acted on. */
  errors: z.array(DlqErrorSchema).min(1),
  /** 0 for `invalid`: no Graph call was made. */
  attempts: z.int().nonnegative(),
  /** `in_doubt`: when the earlier attempt took the command (its Graph call, if any, came after). */
  lastAttemptAt: IsoDateTimeSchema.optional(),
  deadLetteredAt: IsoDateTimeSchema,
});
export type DlqRecord = z.infer<typeof DlqRecordSchema>;

export function parseDlqRecord(input: unknown): z.ZodSafeParseResult<DlqRecord> {
  return DlqRecordSchema.safeParse(input);
}
