import type { ComponentChildren } from 'preact';
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { api, errorText, must } from '../api/client.ts';
import { navigate } from '../router.ts';
import { Badge, Field, Link, Notice, PageHeader, Table, useAction, When } from '../ui/kit.tsx';
import { LoadMore, usePaged } from '../ui/paged.tsx';
import {
  accountOf,
  type Checked,
  ConnectionBadge,
  ConnectWhatsApp,
  type Integration,
  labelOf,
  RotateToken,
} from './IntegrationForms.tsx';

const CHANNELS = ['whatsapp', 'messenger', 'instagram'] as const;
const CONNECTIONS = ['pending', 'connected', 'error'] as const;
const STATUSES = ['active', 'disabled'] as const;
const CHANNEL_NAMES: Record<string, string> = {
  whatsapp: 'WhatsApp',
  messenger: 'Messenger',
  instagram: 'Instagram',
};

/** A query value when it is one the API takes, else undefined (no filter). */
function pick<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return values.find((v) => v === value);
}

type Outcome = { kind: 'ok' | 'error' | 'info'; body: ComponentChildren };

/** What a token check ended with, in words. */
function checkedOutcome(i: Checked, done: string): Outcome {
  const who = labelOf(i);
  if (i.connectionStatus === 'connected') return { kind: 'ok', body: `${done}: ${who} is connected.` };
  if (i.connectionStatus === 'error')
    return {
      kind: 'error',
      body: `${who}: Meta refused the token: ${i.connectionError?.message ?? 'no reason given'}`,
    };
  return {
    kind: 'info',
    body: `${done}: ${who} is pending; Meta could not check the token${i.verificationDeferred ? ` (${i.verificationDeferred})` : ''}. Verify it later.`,
  };
}

/** Connected WhatsApp numbers, Messenger Pages and Instagram accounts: list, connect, verify, rotate, disable. */
export function Integrations(props: { query: URLSearchParams }) {
  const channel = pick(CHANNELS, props.query.get('channel'));
  const connectionStatus = pick(CONNECTIONS, props.query.get('connectionStatus'));
  const status = pick(STATUSES, props.query.get('status'));
  const filter = { channel, connectionStatus, status };

  const list = usePaged(
    (cursor) =>
      must(
        api.GET('/admin/integrations', {
          params: { query: { ...filter, limit: 50, ...(cursor ? { cursor } : {}) } },
        }),
      ),
    [channel, connectionStatus, status],
  );
  const { items } = list;

  const [outcome, setOutcome] = useState<Outcome>();
  const [rotating, setRotating] = useState<string>();
  const action = useAction();
  const oauth = useAction();

  const setFilter = (key: 'channel' | 'connectionStatus' | 'status', value: string) => {
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...filter, [key]: value || undefined })) if (v) next.set(k, v);
    const qs = next.toString();
    navigate(`/integrations${qs ? `?${qs}` : ''}`, { replace: true });
  };

  const verify = async (i: Integration) => {
    setOutcome(undefined);
    let result: Checked | undefined;
    if (
      await action.run(async () => {
        result = await must(api.POST('/admin/integrations/{id}/verify', { params: { path: { id: i.id } } }));
      })
    ) {
      if (result) setOutcome(checkedOutcome(result, 'Verified'));
      await list.reload();
    }
  };

  const disable = async (i: Integration) => {
    if (!confirm(`Disable ${labelOf(i)}? Nothing is sent with it any more; it can be enabled again later.`))
      return;
    setOutcome(undefined);
    if (
      await action.run(() =>
        must(api.POST('/admin/integrations/{id}/disable', { params: { path: { id: i.id } } })),
      )
    ) {
      setOutcome({ kind: 'ok', body: `${labelOf(i)} disabled.` });
      await list.reload();
    }
  };

  const rotated = async (result: Checked) => {
    setRotating(undefined);
    setOutcome(
      result.connectionStatus === 'connected'
        ? { kind: 'ok', body: 'Token rotated' }
        : checkedOutcome(result, 'Token rotated'),
    );
    await list.reload();
  };

  const created = async (result: Checked) => {
    setOutcome(checkedOutcome(result, 'Connected'));
    await list.reload();
  };

  const startOAuth = (provider: 'instagram' | 'messenger') =>
    oauth.run(async () => {
      const init = { headers: { accept: 'application/json' } };
      const { data, error, response } =
        provider === 'instagram'
          ? await api.GET('/oauth/instagram/start', init)
          : await api.GET('/oauth/messenger/start', init);
      if (error !== undefined || !data?.authorizeUrl)
        throw new Error(errorText(error, `${response.status} ${response.statusText}`));
      location.assign(data.authorizeUrl);
    });

  const select = (
    key: 'channel' | 'connectionStatus' | 'status',
    label: string,
    values: readonly string[],
    names: Record<string, string> = {},
  ) => (
    <Field label={label}>
      {(id) => (
        <select id={id} value={filter[key] ?? ''} onChange={(e) => setFilter(key, e.currentTarget.value)}>
          <option value="">All</option>
          {values.map((v) => (
            <option key={v} value={v}>
              {names[v] ?? v}
            </option>
          ))}
        </select>
      )}
    </Field>
  );

  return (
    <section>
      <PageHeader title="Integrations">
        <button type="button" disabled={oauth.busy} onClick={() => startOAuth('instagram')}>
          Connect Instagram
        </button>
        <button type="button" disabled={oauth.busy} onClick={() => startOAuth('messenger')}>
          Connect Messenger
        </button>
      </PageHeader>
      {oauth.error ? <Notice kind="error">{oauth.error}</Notice> : null}
      {outcome ? <Notice kind={outcome.kind}>{outcome.body}</Notice> : null}
      {action.error ? <Notice kind="error">{action.error}</Notice> : null}
      <div class="filters">
        {select('channel', 'Channel', CHANNELS, CHANNEL_NAMES)}
        {select('connectionStatus', 'Connection', CONNECTIONS)}
        {select('status', 'Status', STATUSES)}
      </div>
      {list.error ? <Notice kind="error">{list.error}</Notice> : null}
      <Table
        caption="Integrations"
        head={['Channel', 'Account', 'Name', 'Connection', 'Status', 'Token', 'Token expires', 'Actions']}
        empty={list.loading ? 'Loading…' : 'No integrations match.'}
      >
        {items.map((i) => {
          const label = labelOf(i);
          const hidden = <span class="visually-hidden"> {label}</span>;
          return (
            <Fragment key={i.id}>
              <tr>
                <td>{CHANNEL_NAMES[i.channel] ?? i.channel}</td>
                <td>
                  <code>{accountOf(i)}</code>
                </td>
                <td>{i.name ?? <span class="muted">—</span>}</td>
                <td>
                  <ConnectionBadge integration={i} />
                </td>
                <td>
                  <Badge status={i.status} />
                </td>
                <td>
                  <code>…{i.tokenLast4}</code>
                </td>
                <td>{i.tokenExpiresAt ? <When at={i.tokenExpiresAt} /> : 'never'}</td>
                <td>
                  <div class="actions">
                    <button type="button" disabled={action.busy} onClick={() => verify(i)}>
                      Verify{hidden}
                    </button>
                    <button
                      type="button"
                      aria-expanded={rotating === i.id}
                      onClick={() => setRotating(rotating === i.id ? undefined : i.id)}
                    >
                      Rotate token{hidden}
                    </button>
                    {i.status === 'active' ? (
                      <button type="button" class="danger" disabled={action.busy} onClick={() => disable(i)}>
                        Disable{hidden}
                      </button>
                    ) : null}
                    {i.channel === 'whatsapp' ? (
                      <Link to={`/templates?integration=${i.id}`}>Templates{hidden}</Link>
                    ) : null}
                    <Link to={`/conversations?integration=${i.id}`}>Conversations{hidden}</Link>
                  </div>
                </td>
              </tr>
              {rotating === i.id ? (
                <tr>
                  <td colSpan={8}>
                    <RotateToken
                      integration={i}
                      onRotated={rotated}
                      onCancel={() => setRotating(undefined)}
                    />
                  </td>
                </tr>
              ) : null}
            </Fragment>
          );
        })}
      </Table>
      <LoadMore paged={list} />
      <ConnectWhatsApp onCreated={created} />
    </section>
  );
}
