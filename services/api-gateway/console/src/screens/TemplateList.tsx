import { useState } from 'preact/hooks';
import { api, must } from '../api/client.ts';
import { navigate } from '../router.ts';
import { Badge, Field, Link, Notice, PageHeader, Table, useAction, When } from '../ui/kit.tsx';
import { LoadMore, usePaged } from '../ui/paged.tsx';
import { IntegrationSelect, useIntegrationChoice } from './integration-picker.tsx';
import { TemplateCreate } from './TemplateCreate.tsx';

const STATUSES = ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED', 'IN_APPEAL'];

/** A WhatsApp number's templates: filters, "Sync now" and a form to create one. */
export function TemplateList(props: { query: URLSearchParams }) {
  const { query } = props;
  const { list, items, chosen } = useIntegrationChoice(query, 'whatsapp');
  const status = query.get('status') ?? '';
  const name = query.get('name') ?? '';
  const language = query.get('language') ?? '';
  const category = query.get('category') ?? '';
  const filters = {
    ...(status ? { status } : {}),
    ...(name ? { name } : {}),
    ...(language ? { language } : {}),
  };
  const templates = usePaged(
    async (cursor) => {
      if (!chosen) return undefined;
      return must(
        api.GET('/admin/integrations/{id}/templates', {
          params: {
            path: { id: chosen.id },
            query: { limit: 100, ...filters, ...(cursor ? { cursor } : {}) },
          },
        }),
      );
    },
    [chosen?.id, status, name, language],
  );
  const sync = useAction();
  const [notice, setNotice] = useState<string>();

  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(query);
    if (chosen) next.set('integration', chosen.id);
    if (value) next.set(key, value);
    else next.delete(key);
    navigate(`/templates?${next}`, { replace: true });
  };
  const syncNow = async () => {
    if (!chosen) return;
    const ok = await sync.run(async () => {
      const r = await must(
        api.POST('/admin/integrations/{id}/templates/sync', { params: { path: { id: chosen.id } } }),
      );
      setNotice(
        `Synced from Meta: ${r.total} templates (${r.added} new, ${r.updated} changed, ${r.unchanged} unchanged, ${r.removed} removed).`,
      );
    });
    if (ok) await templates.reload();
  };
  const rows = templates.items.filter((t) => !category || t.category === category);

  return (
    <section>
      <PageHeader title="Templates">
        {chosen ? (
          <button type="button" class="primary" disabled={sync.busy} onClick={syncNow}>
            {sync.busy ? 'Syncing…' : 'Sync now'}
          </button>
        ) : null}
      </PageHeader>
      {list.error ? <Notice kind="error">{list.error}</Notice> : null}
      {list.data && items.length === 0 ? (
        <Notice kind="info">
          Templates belong to a WhatsApp number: <Link to="/integrations">connect one</Link> first.
        </Notice>
      ) : null}
      {notice ? <Notice kind="ok">{notice}</Notice> : null}
      {sync.error ? <Notice kind="error">{sync.error}</Notice> : null}
      {chosen ? (
        <>
          <div class="filters">
            <IntegrationSelect items={items} chosen={chosen} path="/templates" label="WhatsApp number" />
            <Field label="Status">
              {(id) => (
                <select id={id} value={status} onChange={(e) => setFilter('status', e.currentTarget.value)}>
                  <option value="">Any</option>
                  {STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {s.toLowerCase().replace('_', ' ')}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Category">
              {(id) => (
                <select
                  id={id}
                  value={category}
                  onChange={(e) => setFilter('category', e.currentTarget.value)}
                >
                  <option value="">Any</option>
                  <option value="UTILITY">utility</option>
                  <option value="MARKETING">marketing</option>
                  <option value="AUTHENTICATION">authentication</option>
                </select>
              )}
            </Field>
            <Field label="Name">
              {(id) => (
                <input
                  id={id}
                  value={name}
                  onChange={(e) => setFilter('name', e.currentTarget.value.trim())}
                />
              )}
            </Field>
            <Field label="Language" hint="e.g. en_US">
              {(id, describedBy) => (
                <input
                  id={id}
                  value={language}
                  aria-describedby={describedBy}
                  onChange={(e) => setFilter('language', e.currentTarget.value.trim())}
                />
              )}
            </Field>
          </div>
          {templates.error ? <Notice kind="error">{templates.error}</Notice> : null}
          <Table
            caption="Templates"
            head={['Name', 'Status', 'Category', 'Language', 'Quality', 'Updated']}
            empty="No templates match. “Sync now” reads them from Meta."
          >
            {rows.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>
                  <Badge status={t.status} />
                  {t.rejectedReason ? <p class="hint">{t.rejectedReason}</p> : null}
                </td>
                <td>{t.category?.toLowerCase() ?? '—'}</td>
                <td>{t.language}</td>
                <td>{t.qualityScore ? <Badge status={t.qualityScore} /> : <span class="muted">—</span>}</td>
                <td>
                  <When at={t.updatedAt} />
                </td>
              </tr>
            ))}
          </Table>
          <LoadMore paged={templates} />
          <TemplateCreate
            integrationId={chosen.id}
            onCreated={(t) => {
              setNotice(`Template ${t.name} submitted to Meta: ${t.status.toLowerCase()}.`);
              void templates.reload();
            }}
          />
        </>
      ) : null}
    </section>
  );
}
