import { useState } from 'preact/hooks';
import { type Session, signIn } from '../session.ts';
import { Field, Notice } from '../ui/kit.tsx';

/**
 * The admin key is sent once and exchanged for a session cookie; it is not stored anywhere in the
 * browser (the field is cleared, autocomplete is off).
 */
export function SignIn(props: { onSignedIn: (session: Session) => void; ended?: boolean }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const result = await signIn(key.trim());
    setBusy(false);
    setKey('');
    if (result.session) props.onSignedIn(result.session);
    else setError(result.error);
  };

  return (
    <main class="sign-in" id="main">
      <form class="card" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">OmniStream console</h1>
        <p class="muted">Sign in with an admin API key.</p>
        {props.ended && !error ? <Notice kind="info">Your session ended. Sign in again.</Notice> : null}
        {error ? <Notice kind="error">{error}</Notice> : null}
        <Field
          label="Admin API key"
          hint={
            <>
              Created with <code>pnpm admin:create-key</code>, the <code>ADMIN_API_KEY</code> setting, or on
              the API keys page. The key is exchanged for a session and not kept in this browser.
            </>
          }
        >
          {(id, describedBy) => (
            <input
              id={id}
              name="key"
              type="password"
              autocomplete="off"
              spellcheck={false}
              required
              value={key}
              aria-describedby={describedBy}
              onInput={(e) => setKey(e.currentTarget.value)}
            />
          )}
        </Field>
        <button type="submit" class="primary" disabled={busy || key.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
