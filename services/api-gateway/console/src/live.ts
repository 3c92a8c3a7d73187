import { useEffect, useRef, useState } from 'preact/hooks';

/** What /admin/stream sends: a conversation changed (fetch it again to see how). */
export interface LiveUpdate {
  type: 'message' | 'status';
  integrationId: string;
  contactId: string;
  messageId: string;
  status?: string;
}
export type LiveState = 'connecting' | 'open' | 'closed';

const listeners = new Set<(u: LiveUpdate) => void>();
const stateListeners = new Set<(s: LiveState) => void>();
let source: EventSource | null = null;
let state: LiveState = 'closed';
let users = 0;
let retry: ReturnType<typeof setTimeout> | undefined;

const setState = (s: LiveState) => {
  state = s;
  for (const l of stateListeners) l(s);
};

/**
 * One server-sent event stream per console tab (docs/console.md, "Live updates"). The browser
 * reconnects by itself after a network error; when the gateway refused the stream (503: too many
 * open, 401: signed out) it stays closed, and this tries again after 15 s.
 */
function open(): void {
  clearTimeout(retry);
  setState('connecting');
  const es = new EventSource('/admin/stream');
  source = es;
  es.onopen = () => setState('open');
  es.onerror = () => {
    if (es.readyState === EventSource.CLOSED) {
      setState('closed');
      if (users > 0) retry = setTimeout(open, 15_000);
    } else setState('connecting');
  };
  const deliver = (e: MessageEvent<string>) => {
    const update = JSON.parse(e.data) as LiveUpdate;
    for (const l of listeners) l(update);
  };
  es.addEventListener('message', deliver);
  es.addEventListener('status', deliver);
}

/** Keeps the stream open while the signed-in shell is shown; its state for the header. */
export function useLiveUpdates(): LiveState {
  const [current, setCurrent] = useState(state);
  useEffect(() => {
    users += 1;
    stateListeners.add(setCurrent);
    if (!source) open();
    return () => {
      users -= 1;
      stateListeners.delete(setCurrent);
      if (users === 0) {
        clearTimeout(retry);
        source?.close();
        source = null;
        setState('closed');
      }
    };
  }, []);
  return current;
}

/** Calls `handler` for every update (the latest handler: no stale closures). */
export function useLiveEvent(handler: (update: LiveUpdate) => void): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    const l = (u: LiveUpdate) => latest.current(u);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
}
