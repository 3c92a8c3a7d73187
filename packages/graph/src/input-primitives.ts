import { z } from 'zod';
import { GraphValidationError } from './errors.ts';

/**
 * Building blocks of the input schemas. Every call validates its input before anything leaves the
 * process: a bad input is a GraphValidationError (not retryable), never a wasted call answered 100.
 */

/** Ids that end up in a URL path (phone_number_id, page id, IG user id, WABA id, media id, `me`). */
export const PathIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a Graph id (letters, digits, _ or -)');

/** Ids sent in a body (wamid, mid, PSID, IGSID): anything printable without whitespace. */
export const BodyIdSchema = z.string().regex(/^\S{1,512}$/, 'must be a non-empty id without whitespace');

/** Printable ASCII without spaces: what Meta's tokens are, and what keeps a header injection out. */
export const TokenSchema = z.string().regex(/^[\x21-\x7e]{1,4096}$/, 'must be an access token');

export const HttpUrlSchema = z.httpUrl();

/** Parses with `schema` or throws GraphValidationError naming every problem (never the values). */
export function validate<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new GraphValidationError(
    what,
    result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  );
}
