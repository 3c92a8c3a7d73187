import { useEffect, useState } from 'preact/hooks';
import { api, must, type Ok } from '../api/client.ts';
import { useLiveEvent } from '../live.ts';
import { Badge, Link, Notice, PageHeader, useLoad, When } from '../ui/kit.tsx';
import { ReplyBox } from './ReplyBox.tsx';

export type Message = Ok<
  '/admin/integrations/{id}/conversations/{contactId}/messages',
  'get'
>['items'][number];

const STATUS_RANK: Record<string, number> = {
  queued: 0,
  sending: 1,
  sent: 2,
  delivered: 3,
  read: 4,
  played: 5,
};
const IN_FLIGHT = new Set(['queued', 'sending']);
const HIDDEN = new Set(['mark_read', 'sender_action']);
/** WhatsApp's customer service window (docs/meta-platform.md): free-form replies within 24 h of the customer's last message. */
const WINDOW_MS = 24 * 3_600_000;

function Media(props: { message: Message }) {
  const path = props.message.media?.fetchPath;
  if (!path) return null;
  const type = props.message.type;
  if (type === 'image' || type === 'sticker')
    return <img src={path} alt={`${type} from the customer`} loading="lazy" />;
  // biome-ignore lint/a11y/useMediaCaption: a customer's video comes with no captions to offer
  if (type === 'video') return <video src={path} controls preload="metadata" />;
  // biome-ignore lint/a11y/useMediaCaption: a customer's voice note comes with no captions to offer
  if (type === 'audio') return <audio src={path} controls preload="metadata" />;
  return (
    <a href={path} download>
      Download the {type}
    </a>
  );
}

function Bubble(props: { message: Message }) {
  const m = props.message;
  const sent = m.direction === 'out';
  return (
    <li class={`bubble ${sent ? 'out' : 'in'}`} data-message-id={m.metaMessageId ?? m.id}>
      <span class="visually-hidden">{sent ? 'You sent:' : 'Customer wrote:'}</span>
      {m.preview ? <p>{m.preview}</p> : <p class="muted">{sent ? `(${m.type} message)` : `(${m.type})`}</p>}
      <Media message={m} />
      <div class="meta">
        <When at={m.at} />
        {m.status ? <Badge status={m.status} /> : null}
        {m.lastError ? (
          <span class="field-error">
            {m.lastError.code}: {m.lastError.message}
          </span>
        ) : null}
      </div>
    </li>
  );
}

/**
 * One conversation, oldest message first, with the reply box. Updates arrive over the live stream;
 * a status the stream announced but the list does not show yet (the message-sender stores it a
 * moment later) is fetched again a few times, and sends still queued are polled every 2 s.
 */
export function Conversation(props: { integrationId: string; contactId: string }) {
  const { integrationId, contactId } = props;
  const integration = useLoad(
    () => must(api.GET('/admin/integrations/{id}', { params: { path: { id: integrationId } } })),
    [integrationId],
  );
  const fetchPage = (cursor?: string) =>
    must(
      api.GET('/admin/integrations/{id}/conversations/{contactId}/messages', {
        params: {
          path: { id: integrationId, contactId },
          query: { limit: 100, ...(cursor ? { cursor } : {}) },
        },
      }),
    );
  // Older pages the admin asked for, kept when the newest page is fetched again.
  const [older, setOlder] = useState<{ items: Message[]; cursor: string | null; loaded: boolean }>({
    items: [],
    cursor: null,
    loaded: false,
  });
  const messages = useLoad(async () => {
    const page = await fetchPage();
    setOlder((o) => (o.loaded ? o : { ...o, cursor: page.nextCursor }));
    // Read receipts and typing indicators are sends too, but nothing a conversation shows.
    return [...page.items].reverse().filter((m) => !HIDDEN.has(m.type));
  }, [integrationId, contactId]);
  const loadOlder = async () => {
    if (!older.cursor) return;
    const page = await fetchPage(older.cursor);
    const items = [...page.items].reverse().filter((m) => !HIDDEN.has(m.type));
    setOlder({ items: [...items, ...older.items], cursor: page.nextCursor, loaded: true });
  };
  const [pending, setPending] = useState<{ messageId: string; status: string; tries: number }>();

  useLiveEvent((u) => {
    if (u.integrationId !== integrationId || u.contactId !== contactId) return;
    if (u.type === 'status' && u.status) setPending({ messageId: u.messageId, status: u.status, tries: 0 });
    void messages.reload();
  });

  const shown = new Set((messages.data ?? []).map((m) => m.id));
  const items = [...older.items.filter((m) => !shown.has(m.id)), ...(messages.data ?? [])];
  // A status announced but not shown yet: fetch again (5 tries, 300 ms apart).
  useEffect(() => {
    if (!pending) return;
    const shown = items.find((m) => m.metaMessageId === pending.messageId);
    const reached =
      shown?.status !== undefined &&
      (shown.status === 'failed' || (STATUS_RANK[shown.status] ?? 0) >= (STATUS_RANK[pending.status] ?? 0));
    if (reached || pending.tries >= 5) return;
    const timer = setTimeout(() => {
      setPending({ ...pending, tries: pending.tries + 1 });
      void messages.reload();
    }, 300);
    return () => clearTimeout(timer);
  }, [pending, items]);
  // Sends not yet handed to Meta: poll until they are.
  const inFlight = items.some((m) => m.status !== undefined && IN_FLIGHT.has(m.status));
  useEffect(() => {
    if (!inFlight) return;
    const timer = setInterval(() => void messages.reload(), 2_000);
    return () => clearInterval(timer);
  }, [inFlight]);

  const lastInbound = [...items].reverse().find((m) => m.direction === 'in');
  const channel = integration.data?.channel;
  const windowOpen = lastInbound !== undefined && Date.now() - new Date(lastInbound.at).getTime() < WINDOW_MS;

  return (
    <section>
      <PageHeader title={`Conversation with ${contactId}`}>
        <Link to={`/conversations?integration=${integrationId}`} class="button">
          All conversations
        </Link>
      </PageHeader>
      {integration.data ? (
        <p class="muted">
          {integration.data.name ?? integration.data.id} · {channel}
        </p>
      ) : null}
      {messages.error ? <Notice kind="error">{messages.error}</Notice> : null}
      {older.cursor ? (
        <button type="button" onClick={loadOlder}>
          Show older messages
        </button>
      ) : null}
      <ol class="thread" aria-label="Messages, oldest first" aria-live="polite">
        {items.map((m) => (
          <Bubble key={m.id} message={m} />
        ))}
      </ol>
      {messages.data && items.length === 0 ? (
        <p class="muted">No messages in this conversation yet.</p>
      ) : null}
      {channel ? (
        <ReplyBox
          integrationId={integrationId}
          contactId={contactId}
          channel={channel}
          windowOpen={windowOpen}
          onSent={() => messages.reload()}
        />
      ) : null}
    </section>
  );
}
