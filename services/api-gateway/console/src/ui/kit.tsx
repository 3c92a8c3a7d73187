import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { onLinkClick } from '../router.ts';

/** An in-app link (a real anchor: keyboard, copy link, open in a new tab). */
export function Link(props: { to: string; children: ComponentChildren; class?: string; current?: boolean }) {
  return (
    <a
      href={`/console${props.to}`}
      class={props.class}
      aria-current={props.current ? 'page' : undefined}
      onClick={(e) => onLinkClick(e, props.to)}
    >
      {props.children}
    </a>
  );
}

export function PageHeader(props: { title: string; children?: ComponentChildren }) {
  return (
    <header class="page-header">
      <h1>{props.title}</h1>
      {props.children ? <div class="actions">{props.children}</div> : null}
    </header>
  );
}

/** An error (role=alert, read out at once) or a confirmation (role=status). */
export function Notice(props: { kind: 'error' | 'ok' | 'info'; children: ComponentChildren }) {
  return (
    <div class={`notice notice-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}

const TONES: Record<string, string> = {
  connected: 'good',
  approved: 'good',
  read: 'good',
  delivered: 'good',
  played: 'good',
  active: 'good',
  green: 'good',
  sent: 'info',
  accepted: 'info',
  queued: 'info',
  sending: 'info',
  pending: 'warn',
  in_appeal: 'warn',
  paused: 'warn',
  yellow: 'warn',
  needs_reauth: 'warn',
  failed: 'bad',
  error: 'bad',
  rejected: 'bad',
  disabled: 'bad',
  revoked: 'bad',
  red: 'bad',
};

/** A status word with a colour that is never the only cue (the word is always there). */
export function Badge(props: { status: string | null | undefined; label?: string }) {
  const status = props.status ?? 'unknown';
  const tone = TONES[status.toLowerCase()] ?? 'neutral';
  return (
    <span class={`badge badge-${tone}`}>{props.label ?? status.toLowerCase().replaceAll('_', ' ')}</span>
  );
}

export function Field(props: {
  label: string;
  hint?: ComponentChildren;
  error?: string | undefined;
  children: (id: string, describedBy: string | undefined) => JSX.Element;
}) {
  const id = useRef(`f${Math.random().toString(36).slice(2, 8)}`).current;
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errorId = props.error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${props.error ? ' field-invalid' : ''}`}>
      <label for={id}>{props.label}</label>
      {props.children(id, describedBy)}
      {props.hint ? (
        <p class="hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p class="field-error" id={errorId}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

/** A table that scrolls sideways on a phone instead of breaking the page. */
export function Table(props: {
  caption: string;
  head: string[];
  children: ComponentChildren;
  empty?: string;
}) {
  const rows = Array.isArray(props.children) ? props.children.flat().filter(Boolean) : props.children;
  const isEmpty = Array.isArray(rows) ? rows.length === 0 : !rows;
  return (
    <section class="table-wrap" aria-label={props.caption}>
      <table>
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            {props.head.map((h) => (
              <th scope="col" key={h}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {isEmpty ? (
            <tr>
              <td colSpan={props.head.length} class="empty">
                {props.empty ?? 'Nothing here yet.'}
              </td>
            </tr>
          ) : (
            rows
          )}
        </tbody>
      </table>
    </section>
  );
}

/** Loads data on mount and whenever `deps` change; `reload()` fetches again, keeping what is shown. */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[] = [],
): { data: T | undefined; error: string | undefined; loading: boolean; reload: () => Promise<void> } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  // `deps` (not `load`, a new function every render) say when to load again.
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const result = await load();
      if (mine === generation.current) {
        setData(result);
        setError(undefined);
      }
    } catch (err) {
      if (mine === generation.current) setError(err instanceof Error ? err.message : String(err));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, deps);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload };
}

/** Runs an action with a busy flag and its error; returns whether it succeeded. */
export function useAction(): {
  busy: boolean;
  error: string | undefined;
  run: (action: () => Promise<unknown>) => Promise<boolean>;
  clear: () => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = useCallback(async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      return true;
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: () => setError(undefined) };
}

const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const ABSOLUTE = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });

/** "3 minutes ago", with the exact time in the tooltip and for screen readers' datetime. */
export function When(props: { at: string | null | undefined }) {
  if (!props.at) return <span class="muted">—</span>;
  const date = new Date(props.at);
  const seconds = Math.round((date.getTime() - Date.now()) / 1000);
  const abs = Math.abs(seconds);
  const text =
    abs < 60
      ? RELATIVE.format(seconds, 'second')
      : abs < 3600
        ? RELATIVE.format(Math.round(seconds / 60), 'minute')
        : abs < 86_400
          ? RELATIVE.format(Math.round(seconds / 3600), 'hour')
          : ABSOLUTE.format(date);
  return (
    <time dateTime={props.at} title={ABSOLUTE.format(date)}>
      {text}
    </time>
  );
}
