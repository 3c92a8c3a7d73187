import { z } from 'zod';
import { exactlyOneSource, IdSchema } from './primitives.ts';

/**
 * WhatsApp interactive messages in the gateway's own shape; message-sender maps them onto Graph's
 * `interactive` object. Limits are WhatsApp Cloud API's (Messages reference, interactive object):
 * checked here so that a bad command goes to the DLQ as `invalid` instead of burning retries on
 * error 100.
 */

const text = (max: number) => z.string().min(1).max(max);

const TextHeaderSchema = z.strictObject({ type: z.literal('text'), text: text(60) });

const HeaderSchema = z.discriminatedUnion('type', [
  TextHeaderSchema,
  z
    .strictObject({
      type: z.enum(['image', 'video', 'document']),
      id: IdSchema.optional(),
      link: z.httpUrl().optional(),
    })
    .superRefine(exactlyOneSource),
]);

const footer = text(60);

function uniqueIds(ids: string[], ctx: z.RefinementCtx, path: PropertyKey[]) {
  const seen = new Set<string>();
  for (const [index, id] of ids.entries()) {
    if (seen.has(id))
      ctx.addIssue({ code: 'custom', message: `duplicate id "${id}"`, path: [...path, index, 'id'] });
    seen.add(id);
  }
}

export const ButtonsInteractiveSchema = z
  .strictObject({
    type: z.literal('buttons'),
    header: HeaderSchema.optional(),
    body: text(1024),
    footer: footer.optional(),
    buttons: z
      .array(z.strictObject({ id: text(256), title: text(20) }))
      .min(1)
      .max(3),
  })
  .superRefine((msg, ctx) =>
    uniqueIds(
      msg.buttons.map((b) => b.id),
      ctx,
      ['buttons'],
    ),
  );

const MAX_LIST_ROWS = 10;

export const ListInteractiveSchema = z
  .strictObject({
    type: z.literal('list'),
    /** Lists take a text header only. */
    header: TextHeaderSchema.optional(),
    body: text(4096),
    footer: footer.optional(),
    /** The label of the button that opens the list. */
    buttonText: text(20),
    sections: z
      .array(
        z.strictObject({
          title: text(24).optional(),
          rows: z
            .array(z.strictObject({ id: text(200), title: text(24), description: text(72).optional() }))
            .min(1),
        }),
      )
      .min(1)
      .max(10),
  })
  .superRefine((msg, ctx) => {
    const rows = msg.sections.flatMap((s) => s.rows);
    if (rows.length > MAX_LIST_ROWS) {
      ctx.addIssue({
        code: 'custom',
        message: `a list holds at most ${MAX_LIST_ROWS} rows in all`,
        path: ['sections'],
      });
    }
    if (msg.sections.length > 1) {
      for (const [index, section] of msg.sections.entries()) {
        if (section.title === undefined) {
          ctx.addIssue({
            code: 'custom',
            message: 'every section needs a title when there is more than one',
            path: ['sections', index, 'title'],
          });
        }
      }
    }
    const seen = new Set<string>();
    for (const [s, section] of msg.sections.entries()) {
      for (const [r, row] of section.rows.entries()) {
        if (seen.has(row.id)) {
          ctx.addIssue({
            code: 'custom',
            message: `duplicate row id "${row.id}"`,
            path: ['sections', s, 'rows', r, 'id'],
          });
        }
        seen.add(row.id);
      }
    }
  });

export const CtaUrlInteractiveSchema = z.strictObject({
  type: z.literal('cta_url'),
  header: HeaderSchema.optional(),
  body: text(1024),
  footer: footer.optional(),
  displayText: text(20),
  url: z.httpUrl(),
});

export const InteractiveSchema = z.discriminatedUnion('type', [
  ButtonsInteractiveSchema,
  ListInteractiveSchema,
  CtaUrlInteractiveSchema,
]);
export type Interactive = z.infer<typeof InteractiveSchema>;
