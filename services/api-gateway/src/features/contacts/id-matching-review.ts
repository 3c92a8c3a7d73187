import { GraphError } from '@omnistream/graph';

/** About how long Meta's review of a first ID-matching use takes (docs/meta-platform.md, "Business setup facts": about 48 hours). */
export const ID_MATCHING_REVIEW_HOURS = 48;

// The Spanish answer: 'Tu empresa está en fase de revisión para acceder a esta API'; the English API says
// "… under review …". Matched on Meta's own text because #200 alone is any permissions error.
const REVIEW_TEXT = /under review|in review|revisi[oó]n/i;

/**
 * Meta's own error behind a Graph client error. The client's ID-matching calls rewrap every #200 with
 * a hint about the review (packages/graph id-matching.ts), keeping Meta's error as the cause.
 */
export function metaErrorOf(err: unknown): unknown {
  if (err instanceof GraphError && err.code === 200 && err.cause instanceof GraphError) return err.cause;
  return err;
}

/** Whether ids_for_apps / ids_for_pages refused because Meta is still reviewing the app's use of it. */
export function isIdMatchingUnderReview(err: unknown): boolean {
  const meta = metaErrorOf(err);
  return meta instanceof GraphError && meta.code === 200 && REVIEW_TEXT.test(meta.message);
}
