import { useEffect, useState } from 'preact/hooks';
import { api, must } from '../api/client.ts';
import { Field, Notice, useAction, useLoad } from '../ui/kit.tsx';

/** `{{1}}`, `{{2}}` … in a template body: how many parameters it takes. */
function bodyParameters(components: Record<string, unknown>[]): number {
  const body = components.find((c) => c.type === 'BODY');
  const text = typeof body?.text === 'string' ? body.text : '';
  return new Set(text.match(/\{\{\s*\d+\s*\}\}/g) ?? []).size;
}

/**
 * The reply box: text, or for WhatsApp outside the 24-hour customer service window (Meta accepts only
 * templates then) an approved template with its body parameters.
 */
export function ReplyBox(props: {
  integrationId: string;
  contactId: string;
  channel: 'whatsapp' | 'messenger' | 'instagram';
  windowOpen: boolean;
  onSent: () => void;
}) {
  const templateOnly = props.channel === 'whatsapp' && !props.windowOpen;
  const [mode, setMode] = useState<'text' | 'template'>(templateOnly ? 'template' : 'text');
  // The window opens when the conversation has loaded (or a customer writes) and closes with time.
  useEffect(() => setMode(templateOnly ? 'template' : 'text'), [templateOnly]);
  const [text, setText] = useState('');
  const [template, setTemplate] = useState('');
  const [params, setParams] = useState<string[]>([]);
  const send = useAction();
  const templates = useLoad(
    async () =>
      props.channel === 'whatsapp'
        ? (
            await must(
              api.GET('/admin/integrations/{id}/templates', {
                params: { path: { id: props.integrationId }, query: { status: 'APPROVED', limit: 200 } },
              }),
            )
          ).items
        : [],
    [props.integrationId, props.channel],
  );
  const chosen = templates.data?.find((t) => t.id === template);
  const count = chosen ? bodyParameters(chosen.components) : 0;

  const submit = async (event: Event) => {
    event.preventDefault();
    const message =
      mode === 'text'
        ? { type: 'text' as const, text }
        : {
            type: 'template' as const,
            name: chosen?.name ?? '',
            language: chosen?.language ?? '',
            ...(count > 0
              ? {
                  components: [
                    {
                      type: 'body',
                      parameters: params.slice(0, count).map((p) => ({ type: 'text', text: p })),
                    },
                  ],
                }
              : {}),
          };
    const ok = await send.run(() =>
      must(
        api.POST('/admin/messages', {
          body: { integrationId: props.integrationId, to: props.contactId, message },
        }),
      ),
    );
    if (ok) {
      setText('');
      setParams([]);
      props.onSent();
    }
  };

  return (
    <form class="card" onSubmit={submit} aria-label="Reply">
      <h2>Reply</h2>
      {templateOnly ? (
        <Notice kind="info">
          The customer's last message is more than 24 hours old (or there is none): WhatsApp accepts only an
          approved template now.
        </Notice>
      ) : props.channel === 'whatsapp' ? (
        <div class="actions" role="radiogroup" aria-label="Reply with">
          {(['text', 'template'] as const).map((m) => (
            <label key={m}>
              <input
                type="radio"
                name="mode"
                value={m}
                checked={mode === m}
                onChange={() => setMode(m)}
                class="radio"
              />{' '}
              {m === 'text' ? 'Text' : 'Template'}
            </label>
          ))}
        </div>
      ) : null}
      {send.error ? <Notice kind="error">{send.error}</Notice> : null}
      {mode === 'text' ? (
        <Field label="Message">
          {(id) => (
            <textarea
              id={id}
              value={text}
              maxLength={4096}
              required
              onInput={(e) => setText(e.currentTarget.value)}
            />
          )}
        </Field>
      ) : (
        <>
          <Field label="Template" error={templates.error}>
            {(id) => (
              <select id={id} value={template} required onChange={(e) => setTemplate(e.currentTarget.value)}>
                <option value="">Choose an approved template</option>
                {(templates.data ?? []).map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name} ({t.language})
                  </option>
                ))}
              </select>
            )}
          </Field>
          {Array.from({ length: count }, (_, i) => (
            <Field key={`p${i + 1}`} label={`Value for {{${i + 1}}}`}>
              {(id) => (
                <input
                  id={id}
                  required
                  value={params[i] ?? ''}
                  onInput={(e) => {
                    const next = [...params];
                    next[i] = e.currentTarget.value;
                    setParams(next);
                  }}
                />
              )}
            </Field>
          ))}
        </>
      )}
      <button type="submit" class="primary" disabled={send.busy}>
        {send.busy ? 'Sending…' : 'Send'}
      </button>
    </form>
  );
}
