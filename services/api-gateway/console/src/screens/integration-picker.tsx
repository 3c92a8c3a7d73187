import { api, must } from '../api/client.ts';
import { navigate } from '../router.ts';
import { Field, useLoad } from '../ui/kit.tsx';

export type IntegrationItem = NonNullable<Awaited<ReturnType<typeof listIntegrations>>>[number];

async function listIntegrations(channel?: 'whatsapp') {
  const page = await must(
    api.GET('/admin/integrations', { params: { query: { limit: 200, ...(channel ? { channel } : {}) } } }),
  );
  return page.items;
}

/** How a person tells integrations apart: the name, else the channel and account. */
export function integrationLabel(i: IntegrationItem): string {
  const account = i.phoneNumberId ?? i.pageId ?? i.igUserId ?? i.id;
  return `${i.name ?? account} (${i.channel}${i.name ? `, ${account}` : ''})`;
}

/**
 * The integrations to choose from and the chosen one (URL query `integration`, default: the first).
 */
export function useIntegrationChoice(query: URLSearchParams, channel?: 'whatsapp') {
  const list = useLoad(() => listIntegrations(channel), [channel]);
  const items = list.data ?? [];
  const wanted = query.get('integration');
  const chosen = items.find((i) => i.id === wanted) ?? items[0];
  return { list, items, chosen };
}

export function IntegrationSelect(props: {
  items: IntegrationItem[];
  chosen: IntegrationItem | undefined;
  path: string;
  label?: string;
}) {
  return (
    <Field label={props.label ?? 'Integration'}>
      {(id) => (
        <select
          id={id}
          value={props.chosen?.id ?? ''}
          onChange={(e) => navigate(`${props.path}?integration=${e.currentTarget.value}`, { replace: true })}
        >
          {props.items.map((i) => (
            <option key={i.id} value={i.id}>
              {integrationLabel(i)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
