import { SendCommandSchema } from '@omnistream/events';
import { AppError } from '@omnistream/service-kit';
import { z } from 'zod';

// The send command's own fields, so the request grows with the command schema; the server fills
// in schemaVersion and createdAt, and commandId and channel become optional.
const { schemaVersion: _schemaVersion, createdAt: _createdAt, ...commandFields } = SendCommandSchema.shape;

/**
 * POST /admin/messages. Field-level rules run here (fastify validation); the per-channel rules need
 * the channel, which may come from the integration, so the service checks the complete command
 * against SendCommandSchema afterwards and reports its issues the same way.
 */
export const SendMessageBodySchema = z.strictObject({
  ...commandFields,
  commandId: commandFields.commandId
    .optional()
    .describe('Your id for this message (1-128 printable ASCII); a uuid is generated when absent'),
  integrationId: z
    .uuid()
    .describe('The integration (connected number, Page or Instagram account) to send from'),
  channel: commandFields.channel.optional().describe('Taken from the integration; when given it must match'),
});
export type SendMessageBody = z.infer<typeof SendMessageBodySchema>;

/** Idempotency keys: printable ASCII, like the IETF Idempotency-Key draft's examples (uuids). */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** A 400 in the shape the error handler gives fastify's validation errors: `body.<path>` per issue. */
export function bodyValidationError(issues: readonly { path: readonly PropertyKey[]; message: string }[]) {
  const items = issues.map((i) => ({
    path: ['body', ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  return new AppError(
    'GW_VALIDATION',
    `invalid request: ${items.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    { status: 400, details: { issues: items } },
  );
}
