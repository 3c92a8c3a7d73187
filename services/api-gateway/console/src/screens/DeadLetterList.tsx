import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { api, must, type Ok } from '../api/client.ts';
import { navigate } from '../router.ts';
import { Badge, Field, Notice, PageHeader, Table, useAction, When } from '../ui/kit.tsx';
import { LoadMore, usePaged } from '../ui/paged.tsx';

type Letter = Ok<'/admin/dlq', 'get'>['items'][number];
type Replay = Ok<'/admin/dlq/replay', 'post'>;
interface AttemptError {
  at?: string;
  code?: string;
  message?: string;
}

/** The DLQ record's `errors` (docs/events.md: every attempt's error, oldest first). */
function attemptErrors(letter: Letter): AttemptError[] {
  const errors = (letter.record as { errors?: unknown } | null)?.errors;
  return Array.isArray(errors) ? (errors as AttemptError[]) : [];
}
/** The command's recipient and message type, when the record holds a readable command. */
function commandFacts(letter: Letter): { to?: string; type?: string } {
  const command = (letter.record as { command?: { to?: unknown; message?: { type?: unknown } } } | null)
    ?.command;
  return {
    ...(typeof command?.to === 'string' ? { to: command.to } : {}),
    ...(typeof command?.message?.type === 'string' ? { type: command.message.type } : {}),
  };
}

function outcomeText(r: Replay): string {
  const parts = [`Replayed ${r.replayed.length}`];
  if (r.skipped.length > 0)
    parts.push(`skipped ${r.skipped.length} (${r.skipped.map((s) => `#${s.id}: ${s.message}`).join('; ')})`);
  return `${parts.join(', ')}.`;
}

/** Sends that failed for good: filters, every attempt's error, replay one or many. */
export function DeadLetterList(props: { query: URLSearchParams }) {
  const { query } = props;
  const replayed =
    query.get('replayed') === 'true' ? 'true' : query.get('replayed') === 'all' ? undefined : 'false';
  const errorCode = query.get('errorCode') ?? '';
  const list = usePaged(
    (cursor) =>
      must(
        api.GET('/admin/dlq', {
          params: {
            query: {
              limit: 50,
              ...(replayed ? { replayed } : {}),
              ...(errorCode ? { errorCode } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
    [replayed, errorCode],
  );
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [open, setOpen] = useState<Set<number>>(new Set());
  const [outcome, setOutcome] = useState<Replay>();
  const replay = useAction();
  const rows = list.items;

  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(query);
    if (value) next.set(key, value);
    else next.delete(key);
    navigate(`/dead-letters?${next}`, { replace: true });
  };
  const toggle = (set: Set<number>, id: number) => {
    const next = new Set(set);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  };
  const replayIds = async (ids: number[]) => {
    const ok = await replay.run(async () =>
      setOutcome(await must(api.POST('/admin/dlq/replay', { body: { ids } }))),
    );
    if (ok) {
      setSelected(new Set());
      await list.reload();
    }
  };
  const allSelected = rows.length > 0 && rows.every((r) => selected.has(r.id));

  return (
    <section>
      <PageHeader title="Dead letters">
        <button
          type="button"
          class="primary"
          disabled={selected.size === 0 || replay.busy}
          onClick={() => replayIds([...selected])}
        >
          Replay selected ({selected.size})
        </button>
      </PageHeader>
      <div class="filters">
        <Field label="Show">
          {(id) => (
            <select
              id={id}
              value={query.get('replayed') ?? 'false'}
              onChange={(e) => setFilter('replayed', e.currentTarget.value)}
            >
              <option value="false">Not replayed yet</option>
              <option value="true">Replayed</option>
              <option value="all">All</option>
            </select>
          )}
        </Field>
        <Field label="Error code" hint="e.g. GRAPH_131026">
          {(id, describedBy) => (
            <input
              id={id}
              value={errorCode}
              aria-describedby={describedBy}
              onChange={(e) => setFilter('errorCode', e.currentTarget.value.trim())}
            />
          )}
        </Field>
      </div>
      {outcome ? (
        <Notice kind={outcome.skipped.length > 0 ? 'info' : 'ok'}>{outcomeText(outcome)}</Notice>
      ) : null}
      {replay.error ? <Notice kind="error">{replay.error}</Notice> : null}
      {list.error ? <Notice kind="error">{list.error}</Notice> : null}
      {rows.length > 0 ? (
        <p>
          <label>
            <input
              type="checkbox"
              checked={allSelected}
              onChange={() => setSelected(allSelected ? new Set() : new Set(rows.map((r) => r.id)))}
            />
            Select all on this page
          </label>
        </p>
      ) : null}
      <Table
        caption="Dead letters, newest first"
        head={['', 'When', 'Recipient', 'Type', 'Error', 'Attempts', '']}
        empty="No dead letters: every send reached Meta or is still being tried."
      >
        {rows.map((letter) => {
          const facts = commandFacts(letter);
          const errors = attemptErrors(letter);
          const name = `dead letter ${letter.id}${facts.to ? ` to ${facts.to}` : ''}`;
          return (
            <Fragment key={letter.id}>
              <tr>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select ${name}`}
                    checked={selected.has(letter.id)}
                    onChange={() => setSelected(toggle(selected, letter.id))}
                  />
                </td>
                <td>
                  <When at={letter.deadLetteredAt} />
                </td>
                <td>{facts.to ?? '—'}</td>
                <td>
                  {facts.type ?? '—'} <span class="muted">{letter.channel ?? ''}</span>
                </td>
                <td>
                  <Badge status="failed" label={letter.reason.replaceAll('_', ' ')} />{' '}
                  <code>{letter.errorCode ?? '—'}</code> {letter.errorMessage}
                  {letter.replayedAt ? (
                    <p class="hint">
                      Replayed {letter.replayCount}× (last <When at={letter.replayedAt} />)
                    </p>
                  ) : null}
                </td>
                <td>{letter.attempts}</td>
                <td>
                  <div class="actions">
                    <button
                      type="button"
                      aria-expanded={open.has(letter.id)}
                      onClick={() => setOpen(toggle(open, letter.id))}
                    >
                      {open.has(letter.id) ? 'Hide' : 'Show'} attempts
                      <span class="visually-hidden"> of {name}</span>
                    </button>
                    <button type="button" disabled={replay.busy} onClick={() => replayIds([letter.id])}>
                      Replay<span class="visually-hidden"> {name}</span>
                    </button>
                  </div>
                </td>
              </tr>
              {open.has(letter.id) ? (
                <tr class="detail">
                  <td colSpan={7}>
                    <ol>
                      {errors.map((e, i) => (
                        <li key={`${letter.id}-${i}`}>
                          <When at={e.at} /> <code>{e.code ?? '—'}</code> {e.message}
                        </li>
                      ))}
                    </ol>
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
