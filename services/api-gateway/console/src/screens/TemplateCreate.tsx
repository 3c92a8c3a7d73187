import { useState } from 'preact/hooks';
import { api, must, type Ok } from '../api/client.ts';
import { Field, Notice, useAction } from '../ui/kit.tsx';

const CATEGORIES = ['UTILITY', 'MARKETING', 'AUTHENTICATION'] as const;
type Created = Ok<'/admin/integrations/{id}/templates', 'post'>;

/** The distinct `{{n}}` variables of a body, in order of their number. */
function variables(body: string): number[] {
  const found = new Set([...body.matchAll(/\{\{\s*(\d+)\s*\}\}/g)].map((m) => Number(m[1])));
  return [...found].sort((a, b) => a - b);
}

/**
 * Creates a WhatsApp template (a BODY with positional `{{n}}` variables and an example for each, as
 * Meta requires). Meta's validation errors are shown above the button; the input is kept.
 */
export function TemplateCreate(props: { integrationId: string; onCreated: (t: Created) => void }) {
  const [name, setName] = useState('');
  const [category, setCategory] = useState<(typeof CATEGORIES)[number]>('UTILITY');
  const [language, setLanguage] = useState('en_US');
  const [body, setBody] = useState('');
  const [examples, setExamples] = useState<Record<number, string>>({});
  const create = useAction();
  const vars = variables(body);

  const submit = async (event: Event) => {
    event.preventDefault();
    const component: { type: string; text: string; example?: { body_text: string[][] } } = {
      type: 'BODY',
      text: body,
    };
    if (vars.length > 0) component.example = { body_text: [vars.map((v) => examples[v] ?? '')] };
    let created: Created | undefined;
    const ok = await create.run(async () => {
      created = await must(
        api.POST('/admin/integrations/{id}/templates', {
          params: { path: { id: props.integrationId } },
          body: { name: name.trim(), category, language: language.trim(), components: [component] },
        }),
      );
    });
    if (ok && created) {
      setName('');
      setBody('');
      setExamples({});
      props.onCreated(created);
    }
  };

  return (
    <section class="card" aria-labelledby="create-template">
      <h2 id="create-template">Create a template</h2>
      <form onSubmit={submit}>
        <div class="form-grid">
          <Field label="Name" hint="Lowercase letters, digits and underscores, e.g. order_shipped.">
            {(id, describedBy) => (
              <input
                id={id}
                value={name}
                required
                maxLength={512}
                pattern="[a-z0-9_]+"
                aria-describedby={describedBy}
                onInput={(e) => setName(e.currentTarget.value)}
              />
            )}
          </Field>
          <Field label="Category">
            {(id) => (
              <select
                id={id}
                value={category}
                onChange={(e) => setCategory(e.currentTarget.value as (typeof CATEGORIES)[number])}
              >
                {CATEGORIES.map((c) => (
                  <option key={c} value={c}>
                    {c.toLowerCase()}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Language" hint="Meta's language code, e.g. en_US, pt_BR, id.">
            {(id, describedBy) => (
              <input
                id={id}
                value={language}
                required
                aria-describedby={describedBy}
                onInput={(e) => setLanguage(e.currentTarget.value)}
              />
            )}
          </Field>
        </div>
        <Field label="Body" hint="Variables are {{1}}, {{2}}, …; each needs an example below.">
          {(id, describedBy) => (
            <textarea
              id={id}
              value={body}
              required
              maxLength={1024}
              aria-describedby={describedBy}
              onInput={(e) => setBody(e.currentTarget.value)}
            />
          )}
        </Field>
        <div class="form-grid">
          {vars.map((v) => (
            <Field key={v} label={`Example for {{${v}}}`}>
              {(id) => (
                <input
                  id={id}
                  required
                  value={examples[v] ?? ''}
                  onInput={(e) => setExamples({ ...examples, [v]: e.currentTarget.value })}
                />
              )}
            </Field>
          ))}
        </div>
        {create.error ? <Notice kind="error">Meta refused the template: {create.error}</Notice> : null}
        <button type="submit" class="primary" disabled={create.busy}>
          {create.busy ? 'Submitting…' : 'Submit to Meta'}
        </button>
      </form>
    </section>
  );
}
