import { useEffect, useState } from 'preact/hooks';
import { Notice, useAction, useLoad } from './kit.tsx';

/** One page of an admin list (docs/admin-api.md, "Lists"). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * A paged admin list: the first page loaded whenever `deps` change (and on reload), and the pages a
 * "Load more" adds after it, dropped when the first page is fetched again.
 */
export function usePaged<T>(fetchPage: (cursor?: string) => Promise<Page<T> | undefined>, deps: unknown[]) {
  const first = useLoad(() => fetchPage(), deps);
  const [more, setMore] = useState<{ items: T[]; cursor: string | null }>();
  useEffect(() => setMore(undefined), [first.data]);
  const cursor = more ? more.cursor : (first.data?.nextCursor ?? null);
  const paging = useAction();
  const loadMore = () =>
    paging.run(async () => {
      if (!cursor) return;
      const page = await fetchPage(cursor);
      if (page) setMore({ items: [...(more?.items ?? []), ...page.items], cursor: page.nextCursor });
    });
  const items = [...(first.data?.items ?? []), ...(more?.items ?? [])];
  return { ...first, items, cursor, paging, loadMore };
}

/** The "Load more" button of a paged list, with the error of the last try. */
export function LoadMore(props: {
  paged: Pick<ReturnType<typeof usePaged>, 'cursor' | 'paging' | 'loadMore'>;
}) {
  const { cursor, paging, loadMore } = props.paged;
  return (
    <>
      {paging.error ? <Notice kind="error">{paging.error}</Notice> : null}
      {cursor ? (
        <p>
          <button type="button" disabled={paging.busy} onClick={loadMore}>
            {paging.busy ? 'Loading…' : 'Load more'}
          </button>
        </p>
      ) : null}
    </>
  );
}
