import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { api, must } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';
import { Badge, Field, Notice, PageHeader, Table, useAction, useLoad, When } from '../ui/kit.tsx';
import { LoadMore, usePaged } from '../ui/paged.tsx';

type Installation =
  paths['/admin/fbe']['get']['responses'][200]['content']['application/json']['items'][number];
type MetaConfig =
  paths['/admin/fbe/{externalBusinessId}/features']['get']['responses'][200]['content']['application/json'];

const HEAD = [
  'Business',
  'Status',
  'Features the gateway runs',
  'Assets',
  'Tokens',
  'Installed',
  'Last event',
  'Actions',
];

function Assets(props: { assets: Installation['assets'] }) {
  const a = props.assets;
  const parts = [
    a.pages.length ? `Pages: ${a.pages.join(', ')}` : '',
    a.instagramProfiles.length ? `Instagram: ${a.instagramProfiles.join(', ')}` : '',
    a.catalogId ? `Catalog: ${a.catalogId}` : '',
    a.pixelId ? `Pixel: ${a.pixelId}` : '',
    a.adAccountId ? `Ad account: ${a.adAccountId}` : '',
    a.commerceMerchantSettingsId ? `Commerce: ${a.commerceMerchantSettingsId}` : '',
  ].filter(Boolean);
  if (parts.length === 0) return <span class="muted">none</span>;
  return (
    <ul>
      {parts.map((p) => (
        <li key={p}>{p}</li>
      ))}
    </ul>
  );
}

/** The features of one installation: the gateway's view, and Meta's configuration fetched on demand. */
function Features(props: { installation: Installation }) {
  const f = props.installation;
  const meta = useLoad<MetaConfig>(
    () =>
      must(
        api.GET('/admin/fbe/{externalBusinessId}/features', {
          params: { path: { externalBusinessId: f.externalBusinessId } },
        }),
      ),
    [f.externalBusinessId],
  );
  return (
    <div>
      <h3>Features of {f.externalBusinessId}</h3>
      {f.features.length === 0 ? (
        <p class="muted">The install webhook named no features.</p>
      ) : (
        <ul>
          {f.features.map((x) => (
            <li key={x.featureInstanceId}>
              <strong>{x.featureName ?? x.featureType}</strong> <code>{x.featureType}</code>{' '}
              <Badge status={x.enabled ? 'active' : 'disabled'} label={x.enabled ? 'running' : 'off'} />
              {x.disabledReason ? ` ${x.disabledReason.replaceAll('_', ' ')}` : ''}
              {x.missingAssets.length ? ` (missing: ${x.missingAssets.join(', ')})` : ''}
            </li>
          ))}
        </ul>
      )}
      <h4>Configuration at Meta</h4>
      {meta.error ? <Notice kind="error">{meta.error}</Notice> : null}
      {meta.loading && !meta.data ? <p class="muted">Asking Meta…</p> : null}
      {meta.data ? (
        <pre>
          <code>{JSON.stringify(meta.data.businessConfig, null, 2)}</code>
        </pre>
      ) : null}
    </div>
  );
}

/** Facebook Business Extension installations: read-only, with reconcile and system-user token actions. */
export function Fbe() {
  const [status, setStatus] = useState<'' | 'installed' | 'uninstalled'>('installed');
  const list = usePaged(
    (cursor) =>
      must(
        api.GET('/admin/fbe', {
          params: { query: { limit: 50, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) } },
        }),
      ),
    [status],
  );
  const { items } = list;
  const [open, setOpen] = useState<string>();
  const [outcome, setOutcome] = useState<string>();
  const action = useAction();

  const reconcile = async (f: Installation) => {
    setOutcome(undefined);
    const path = { externalBusinessId: f.externalBusinessId };
    let text = '';
    const ok = await action.run(async () => {
      const r = await must(api.GET('/admin/fbe/{externalBusinessId}/installs', { params: { path } }));
      text = r.metaInstalled
        ? `${f.externalBusinessId}: Meta still lists the install.`
        : `${f.externalBusinessId}: Meta no longer lists the install; it is now ${r.installation.status}.`;
    });
    if (ok) {
      setOutcome(text);
      await list.reload();
    }
  };

  const systemUserToken = async (f: Installation) => {
    if (
      !confirm(
        `Exchange the install's token of ${f.externalBusinessId} for a system-user token of the business?`,
      )
    )
      return;
    setOutcome(undefined);
    const path = { externalBusinessId: f.externalBusinessId };
    let text = '';
    const ok = await action.run(async () => {
      const t = await must(
        api.POST('/admin/fbe/{externalBusinessId}/system-user-token', { params: { path }, body: {} }),
      );
      text = `${f.externalBusinessId}: system-user token …${t.last4} stored (scopes: ${t.scopes.join(', ') || 'none'}).`;
    });
    if (ok) {
      setOutcome(text);
      await list.reload();
    }
  };

  return (
    <section>
      <PageHeader title="FBE installations" />
      <div class="filters">
        <Field label="Status">
          {(id) => (
            <select
              id={id}
              value={status}
              onChange={(e) => setStatus(e.currentTarget.value as typeof status)}
            >
              <option value="installed">Installed</option>
              <option value="uninstalled">Uninstalled</option>
              <option value="">All</option>
            </select>
          )}
        </Field>
      </div>
      {outcome ? <Notice kind="ok">{outcome}</Notice> : null}
      {action.error ? <Notice kind="error">{action.error}</Notice> : null}
      {list.error ? <Notice kind="error">{list.error}</Notice> : null}
      <Table caption="FBE installations" head={HEAD} empty={list.loading ? 'Loading…' : 'No installations.'}>
        {items.map((f) => {
          const hidden = <span class="visually-hidden"> {f.externalBusinessId}</span>;
          const shown = open === f.externalBusinessId;
          return (
            <Fragment key={f.externalBusinessId}>
              <tr>
                <td>
                  <code>{f.externalBusinessId}</code>
                  {f.businessManagerId ? <p class="muted">Business Manager {f.businessManagerId}</p> : null}
                </td>
                <td>
                  <Badge status={f.status === 'installed' ? 'active' : 'disabled'} label={f.status} />
                </td>
                <td>
                  {f.enabledFeatures.length ? f.enabledFeatures.join(', ') : <span class="muted">none</span>}
                </td>
                <td>
                  <Assets assets={f.assets} />
                </td>
                <td>
                  {f.token ? <p>Install: …{f.token.last4}</p> : null}
                  {f.systemUserToken ? (
                    <p>
                      System user: …{f.systemUserToken.last4}, expires{' '}
                      {f.systemUserToken.expiresAt ? (
                        <When at={f.systemUserToken.expiresAt} />
                      ) : f.systemUserToken.checked ? (
                        'never'
                      ) : (
                        'unknown'
                      )}
                    </p>
                  ) : null}
                  {!f.token && !f.systemUserToken ? <span class="muted">none</span> : null}
                </td>
                <td>
                  <When at={f.installedAt} />
                </td>
                <td>
                  <When at={f.lastEventAt} />
                </td>
                <td>
                  <div class="actions">
                    <button
                      type="button"
                      aria-expanded={shown}
                      onClick={() => setOpen(shown ? undefined : f.externalBusinessId)}
                    >
                      {shown ? 'Hide features' : 'Show features'}
                      {hidden}
                    </button>
                    <button type="button" disabled={action.busy} onClick={() => reconcile(f)}>
                      Reconcile with Meta{hidden}
                    </button>
                    {f.status === 'installed' && f.token ? (
                      <button type="button" disabled={action.busy} onClick={() => systemUserToken(f)}>
                        Get system-user token{hidden}
                      </button>
                    ) : null}
                  </div>
                </td>
              </tr>
              {shown ? (
                <tr>
                  <td colSpan={HEAD.length}>
                    <Features installation={f} />
                  </td>
                </tr>
              ) : null}
            </Fragment>
          );
        })}
      </Table>
      <LoadMore paged={list} />
    </section>
  );
}
