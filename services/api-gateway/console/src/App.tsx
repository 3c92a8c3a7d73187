import { useEffect, useState } from 'preact/hooks';
import { whenSignedOut } from './api/client.ts';
import { useLiveUpdates } from './live.ts';
import { navigate, useRoute } from './router.ts';
import { ApiKeys } from './screens/ApiKeys.tsx';
import { Conversation } from './screens/Conversation.tsx';
import { Conversations } from './screens/Conversations.tsx';
import { DeadLetterList } from './screens/DeadLetterList.tsx';
import { Fbe } from './screens/Fbe.tsx';
import { Integrations } from './screens/Integrations.tsx';
import { SignIn } from './screens/SignIn.tsx';
import { TemplateList } from './screens/TemplateList.tsx';
import { fetchSession, type Session, signOut } from './session.ts';
import { Link } from './ui/kit.tsx';

const NAV = [
  { to: '/integrations', label: 'Integrations' },
  { to: '/templates', label: 'Templates' },
  { to: '/conversations', label: 'Conversations' },
  { to: '/dead-letters', label: 'Dead letters' },
  { to: '/api-keys', label: 'API keys' },
  { to: '/fbe', label: 'FBE installations' },
];

function Screen(props: { path: string; query: URLSearchParams }) {
  const { path, query } = props;
  const conversation = /^\/conversations\/([^/]+)\/([^/]+)$/.exec(path);
  if (conversation)
    return (
      <Conversation
        integrationId={decodeURIComponent(conversation[1] ?? '')}
        contactId={decodeURIComponent(conversation[2] ?? '')}
      />
    );
  switch (path) {
    case '/integrations':
      return <Integrations query={query} />;
    case '/templates':
      return <TemplateList query={query} />;
    case '/conversations':
      return <Conversations query={query} />;
    case '/dead-letters':
      return <DeadLetterList query={query} />;
    case '/api-keys':
      return <ApiKeys />;
    case '/fbe':
      return <Fbe />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>
            There is no page at <code>{path}</code>. <Link to="/integrations">Go to Integrations</Link>.
          </p>
        </section>
      );
  }
}

function Shell(props: { session: Session; onSignOut: () => void }) {
  const route = useRoute();
  const live = useLiveUpdates();
  useEffect(() => {
    const current = NAV.find((n) => route.path.startsWith(n.to));
    document.title = `${current?.label ?? 'Console'} · OmniStream`;
  }, [route.path]);
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <span class="brand">OmniStream</span>
        <span class="who">
          <span class={`live live-${live}`} title={`Live updates: ${live}`}>
            {live === 'open' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Offline'}
          </span>
          <span class="muted">
            {props.session.adminKey.name} <code>{props.session.adminKey.prefix}</code>
          </span>
          <button type="button" onClick={props.onSignOut}>
            Sign out
          </button>
        </span>
      </header>
      <nav class="sidenav" aria-label="Console">
        <ul>
          {NAV.map((n) => (
            <li key={n.to}>
              <Link to={n.to} current={route.path.startsWith(n.to)}>
                {n.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <Screen path={route.path} query={route.query} />
      </main>
    </div>
  );
}

export function App() {
  const [session, setSession] = useState<Session | null | 'loading'>('loading');
  const [ended, setEnded] = useState(false);
  useEffect(() => {
    whenSignedOut(() => {
      setEnded(true);
      setSession(null);
    });
    void fetchSession().then(setSession);
  }, []);
  if (session === 'loading') return <p class="loading">Loading…</p>;
  if (!session)
    return (
      <SignIn
        ended={ended}
        onSignedIn={(s) => {
          setEnded(false);
          setSession(s);
          if (location.pathname === '/console' || location.pathname === '/console/')
            navigate('/integrations', { replace: true });
        }}
      />
    );
  return (
    <Shell
      session={session}
      onSignOut={() => {
        void signOut().finally(() => {
          setEnded(false);
          setSession(null);
        });
      }}
    />
  );
}
