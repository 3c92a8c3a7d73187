import { useState } from 'preact/hooks';
import { api, must } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';
import { Badge, Field, Notice, useAction } from '../ui/kit.tsx';

export type Integration =
  paths['/admin/integrations']['get']['responses'][200]['content']['application/json']['items'][number];
/** What create and rotate answer: an integration, with why Meta could not check the token when it could not. */
export type Checked = Integration & { verificationDeferred?: string };

/** The account the integration is for: phone number id, Page id or Instagram user id. */
export function accountOf(i: Integration): string {
  return i.phoneNumberId ?? i.pageId ?? i.igUserId ?? '—';
}

/** How rows are told apart, for people and screen readers. */
export function labelOf(i: Integration): string {
  return i.name ? `${i.name} (${accountOf(i)})` : `${i.channel} ${accountOf(i)}`;
}

/** Meta's 190 (invalid or expired token), or a refusal while sending: the token must be replaced. */
export function needsReauth(i: Integration): boolean {
  const e = i.connectionError;
  if (i.needsReauth) return true;
  if (!e) return false;
  return (
    e.code === 190 || /(token|session).*(expired|invalidated)|(expired|invalidated).*token/i.test(e.message)
  );
}

export function ConnectionBadge(props: { integration: Integration }) {
  const i = props.integration;
  const reauth = needsReauth(i);
  return (
    <>
      {reauth ? <Badge status="needs_reauth" label="needs re-auth" /> : <Badge status={i.connectionStatus} />}
      {i.connectionError && (i.connectionStatus === 'error' || reauth) ? (
        <p class="hint muted">
          {i.connectionError.message}
          {i.connectionError.code !== undefined ? ` (Meta code ${i.connectionError.code})` : ''}
        </p>
      ) : null}
    </>
  );
}

/** A datetime-local value as ISO 8601, or null when empty (the token does not expire). */
const isoOrNull = (local: string): string | null => (local ? new Date(local).toISOString() : null);

const TOKEN_HINT =
  'A System User token from Business Settings → Users → System users → Generate new token, with whatsapp_business_messaging and whatsapp_business_management.';
const IDS_HINT =
  'Meta App Dashboard → WhatsApp → API Setup (WhatsApp Business Account ID / Phone number ID), or WhatsApp Manager → Account tools → Phone numbers.';

/** Connects a WhatsApp number (POST /admin/integrations); the token field is cleared whatever happens. */
export function ConnectWhatsApp(props: { onCreated: (result: Checked) => void }) {
  const [form, setForm] = useState({ businessManagerId: '', wabaId: '', phoneNumberId: '', name: '' });
  const [token, setToken] = useState('');
  const [tokenType, setTokenType] = useState<'system_user' | 'business_integration' | 'user'>('system_user');
  const create = useAction();
  const set = (key: keyof typeof form) => (e: { currentTarget: HTMLInputElement }) =>
    setForm({ ...form, [key]: e.currentTarget.value });

  const submit = async (event: Event) => {
    event.preventDefault();
    const name = form.name.trim();
    const body = {
      channel: 'whatsapp' as const,
      businessManagerId: form.businessManagerId.trim(),
      wabaId: form.wabaId.trim(),
      phoneNumberId: form.phoneNumberId.trim(),
      token: token.trim(),
      tokenType,
      ...(name ? { name } : {}),
    };
    setToken('');
    let result: Checked | undefined;
    const ok = await create.run(async () => {
      result = await must(api.POST('/admin/integrations', { body }));
    });
    if (ok && result) {
      setForm({ businessManagerId: '', wabaId: '', phoneNumberId: '', name: '' });
      props.onCreated(result);
    }
  };

  const idField = (key: 'businessManagerId' | 'wabaId' | 'phoneNumberId', label: string, hint: string) => (
    <Field label={label} hint={hint}>
      {(id, describedBy) => (
        <input
          id={id}
          value={form[key]}
          required
          inputMode="numeric"
          pattern="[0-9]+"
          aria-describedby={describedBy}
          onInput={set(key)}
        />
      )}
    </Field>
  );

  return (
    <section class="card" aria-labelledby="connect-whatsapp">
      <h2 id="connect-whatsapp">Connect a WhatsApp number</h2>
      {create.error ? <Notice kind="error">{create.error}</Notice> : null}
      <form onSubmit={submit}>
        <div class="form-grid">
          {idField('wabaId', 'WhatsApp Business Account (WABA) id', IDS_HINT)}
          {idField('phoneNumberId', 'Phone number id', IDS_HINT)}
          {idField(
            'businessManagerId',
            'Business Manager id',
            'Business Settings → Business info (Business Manager ID / Business portfolio ID).',
          )}
          <Field label="Name (optional)" hint="How the console shows this number, e.g. “Support line”.">
            {(id, describedBy) => (
              <input
                id={id}
                value={form.name}
                maxLength={200}
                aria-describedby={describedBy}
                onInput={set('name')}
              />
            )}
          </Field>
          <TokenField label="Access token" hint={TOKEN_HINT} value={token} onInput={setToken} />
          <Field
            label="Token type"
            hint="System user tokens do not expire; the temporary token of API Setup is a user token (24 hours)."
          >
            {(id, describedBy) => (
              <select
                id={id}
                value={tokenType}
                aria-describedby={describedBy}
                onChange={(e) => setTokenType(e.currentTarget.value as typeof tokenType)}
              >
                <option value="system_user">System user</option>
                <option value="business_integration">Business integration (Embedded Signup)</option>
                <option value="user">User (temporary)</option>
              </select>
            )}
          </Field>
        </div>
        <button type="submit" class="primary" disabled={create.busy}>
          {create.busy ? 'Connecting…' : 'Connect number'}
        </button>
      </form>
    </section>
  );
}

/** Replaces an integration's token (PUT /admin/integrations/{id}/token); Meta's refusal is shown here. */
export function RotateToken(props: {
  integration: Integration;
  onRotated: (result: Checked) => void;
  onCancel: () => void;
}) {
  const i = props.integration;
  const [token, setToken] = useState('');
  const [expires, setExpires] = useState('');
  const [force, setForce] = useState(false);
  const rotate = useAction();

  const submit = async (event: Event) => {
    event.preventDefault();
    const body = { token: token.trim(), tokenExpiresAt: isoOrNull(expires) };
    setToken('');
    let result: Checked | undefined;
    const ok = await rotate.run(async () => {
      result = await must(
        api.PUT('/admin/integrations/{id}/token', {
          params: { path: { id: i.id }, query: force ? { force: 'true' } : {} },
          body,
        }),
      );
    });
    if (ok && result) props.onRotated(result);
  };

  return (
    <form class="inline-form" onSubmit={submit} aria-label={`Rotate the token of ${labelOf(i)}`}>
      <TokenField label="New token" error={rotate.error} value={token} onInput={setToken} />
      <Field label="Expires (optional)" hint="Leave empty for a token that does not expire.">
        {(id, describedBy) => (
          <input
            id={id}
            type="datetime-local"
            value={expires}
            aria-describedby={describedBy}
            onInput={(e) => setExpires(e.currentTarget.value)}
          />
        )}
      </Field>
      <Field label="If Meta cannot check it now" hint="Store it anyway, as pending; Verify checks it later.">
        {(id, describedBy) => (
          <select
            id={id}
            value={force ? 'store' : 'refuse'}
            aria-describedby={describedBy}
            onChange={(e) => setForce(e.currentTarget.value === 'store')}
          >
            <option value="refuse">Keep the current token</option>
            <option value="store">Store the new token anyway</option>
          </select>
        )}
      </Field>
      <button type="submit" class="primary" disabled={rotate.busy}>
        {rotate.busy ? 'Checking with Meta…' : 'Save token'}
      </button>
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
    </form>
  );
}

/** A token input: never echoed, never offered to the browser's password manager. */
function TokenField(props: {
  label: string;
  hint?: string;
  error?: string | undefined;
  value: string;
  onInput: (value: string) => void;
}) {
  return (
    <Field label={props.label} hint={props.hint} error={props.error}>
      {(id, describedBy) => (
        <input
          id={id}
          type="password"
          autoComplete="off"
          value={props.value}
          required
          minLength={16}
          maxLength={4096}
          aria-describedby={describedBy}
          onInput={(e) => props.onInput(e.currentTarget.value)}
        />
      )}
    </Field>
  );
}
