import { api, must } from '../api/client.ts';
import { useLiveEvent } from '../live.ts';
import { Link, Notice, PageHeader, Table, When } from '../ui/kit.tsx';
import { LoadMore, usePaged } from '../ui/paged.tsx';
import { IntegrationSelect, useIntegrationChoice } from './integration-picker.tsx';

/** Recent conversations of an integration, newest first; a new message moves its conversation up. */
export function Conversations(props: { query: URLSearchParams }) {
  const { list, items, chosen } = useIntegrationChoice(props.query);
  const page = usePaged(
    async (cursor) => {
      if (!chosen) return undefined;
      return must(
        api.GET('/admin/integrations/{id}/conversations', {
          params: { path: { id: chosen.id }, query: { limit: 50, ...(cursor ? { cursor } : {}) } },
        }),
      );
    },
    [chosen?.id],
  );
  useLiveEvent((update) => {
    if (update.integrationId === chosen?.id) void page.reload();
  });
  const rows = page.items;

  return (
    <section>
      <PageHeader title="Conversations" />
      {list.error ? <Notice kind="error">{list.error}</Notice> : null}
      {list.data && items.length === 0 ? (
        <Notice kind="info">
          No integration yet. <Link to="/integrations">Connect a number or a Page</Link> first.
        </Notice>
      ) : null}
      {items.length > 0 ? (
        <div class="filters">
          <IntegrationSelect items={items} chosen={chosen} path="/conversations" />
        </div>
      ) : null}
      {page.error ? <Notice kind="error">{page.error}</Notice> : null}
      {chosen ? (
        <Table
          caption="Conversations, newest first"
          head={['Customer', 'Last message', 'When', 'Received', 'Sent']}
          empty="No conversation yet: messages appear here as customers write."
        >
          {rows.map((c) => (
            <tr key={c.contactId}>
              <td>
                <Link to={`/conversations/${chosen.id}/${encodeURIComponent(c.contactId)}`}>
                  {c.contactId}
                </Link>
              </td>
              <td>
                {c.lastDirection === 'out' ? <span class="muted">You: </span> : null}
                {c.lastPreview ?? <span class="muted">(no text)</span>}
              </td>
              <td>
                <When at={c.lastMessageAt} />
              </td>
              <td>{c.inboundCount}</td>
              <td>{c.outboundCount}</td>
            </tr>
          ))}
        </Table>
      ) : null}
      <LoadMore paged={page} />
    </section>
  );
}
