import { useState } from 'preact/hooks';
import { api, must } from '../api/client.ts';
import { Badge, Field, Notice, PageHeader, Table, useAction, useLoad, When } from '../ui/kit.tsx';

/** Admin API keys: list, create (the new key is shown once), revoke. */
export function ApiKeys() {
  const keys = useLoad(() => must(api.GET('/admin/api-keys')));
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ name: string; key: string }>();
  const create = useAction();
  const revoke = useAction();

  const submit = async (event: Event) => {
    event.preventDefault();
    const ok = await create.run(async () => {
      const key = await must(api.POST('/admin/api-keys', { body: { name: name.trim() } }));
      setCreated({ name: key.name, key: key.key });
    });
    if (ok) {
      setName('');
      await keys.reload();
    }
  };

  const revokeKey = async (id: string, keyName: string) => {
    if (!confirm(`Revoke the key "${keyName}"? Every client and console session using it stops working.`))
      return;
    if (await revoke.run(() => must(api.DELETE('/admin/api-keys/{id}', { params: { path: { id } } }))))
      await keys.reload();
  };

  return (
    <section>
      <PageHeader title="API keys" />
      {created ? (
        <Notice kind="ok">
          <p>
            Key <strong>{created.name}</strong> created. Copy it now: it is not shown again.
          </p>
          <p>
            <code class="secret" data-testid="new-key">
              {created.key}
            </code>
          </p>
          <button type="button" onClick={() => setCreated(undefined)}>
            I have copied it
          </button>
        </Notice>
      ) : null}
      <form class="inline-form" onSubmit={submit}>
        <Field label="New key name" hint="Who or what will use it, e.g. “CRM sync”." error={create.error}>
          {(id, describedBy) => (
            <input
              id={id}
              value={name}
              maxLength={100}
              required
              aria-describedby={describedBy}
              onInput={(e) => setName(e.currentTarget.value)}
            />
          )}
        </Field>
        <button type="submit" class="primary" disabled={create.busy || name.trim() === ''}>
          Create key
        </button>
      </form>
      {keys.error ? <Notice kind="error">{keys.error}</Notice> : null}
      {revoke.error ? <Notice kind="error">{revoke.error}</Notice> : null}
      <Table caption="Admin API keys" head={['Name', 'Key', 'Created', 'Last used', 'Status', '']}>
        {(keys.data?.items ?? []).map((k) => (
          <tr key={k.id}>
            <td>{k.name}</td>
            <td>
              <code>{k.prefix}</code>
            </td>
            <td>
              <When at={k.createdAt} />
            </td>
            <td>
              <When at={k.lastUsedAt} />
            </td>
            <td>{k.revokedAt ? <Badge status="revoked" /> : <Badge status="active" />}</td>
            <td>
              {k.revokedAt ? null : (
                <button
                  type="button"
                  class="danger"
                  disabled={revoke.busy}
                  onClick={() => revokeKey(k.id, k.name)}
                >
                  Revoke<span class="visually-hidden"> {k.name}</span>
                </button>
              )}
            </td>
          </tr>
        ))}
      </Table>
    </section>
  );
}
