import { GraphError } from '@omnistream/graph';
import { describe, expect, it } from 'vitest';
import { isIdMatchingUnderReview, metaErrorOf } from './id-matching-review.ts';

const metaError = (code: number, message: string) =>
  new GraphError({ message, errorCode: `GRAPH_${code}`, category: 'permission', retryable: false, code });

/** What packages/graph's ID-matching calls throw for a #200: Meta's error wrapped with a hint. */
const wrapped = (inner: GraphError) =>
  new GraphError({
    message: `${inner.message} (ID matching answers #200 while Meta reviews the app's first use, about 48 h)`,
    errorCode: inner.errorCode,
    category: inner.category,
    retryable: inner.retryable,
    code: inner.code,
    cause: inner,
  });

describe('ID matching review detection', () => {
  it('recognises the English and the Spanish (docs/meta-platform.md, "Business setup facts") review answers', () => {
    const english = metaError(
      200,
      '(#200) This endpoint is under review for your app. Try again after the review completes.',
    );
    const spanish = metaError(200, '(#200) Tu empresa está en fase de revisión para acceder a esta API');
    expect(isIdMatchingUnderReview(wrapped(english))).toBe(true);
    expect(isIdMatchingUnderReview(wrapped(spanish))).toBe(true);
    expect(isIdMatchingUnderReview(english)).toBe(true);
  });

  it('does not take another #200 for a review, despite the hint the client adds', () => {
    const missingPermission = wrapped(
      metaError(200, '(#200) Requires pages_messaging permission to manage the object'),
    );
    expect(isIdMatchingUnderReview(missingPermission)).toBe(false);
    expect((metaErrorOf(missingPermission) as Error).message).toBe(
      '(#200) Requires pages_messaging permission to manage the object',
    );
  });

  it('ignores other codes and non-Graph errors', () => {
    expect(isIdMatchingUnderReview(metaError(100, 'under review'))).toBe(false);
    expect(isIdMatchingUnderReview(new Error('under review'))).toBe(false);
  });
});
