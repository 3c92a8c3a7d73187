import { z } from 'zod';
import { PathIdSchema, TokenSchema, validate } from './input-primitives.ts';
import { collectPages } from './paging.ts';
import { optionalString, requiredString, requireSuccess } from './responses.ts';
import type { Transport } from './transport.ts';

/** Pages of a user (`/me/accounts`) and the webhook subscriptions made during onboarding. */

export const ListPagesInputSchema = z.strictObject({
  token: TokenSchema,
  maxPages: z.int().min(1).optional(),
});
export type ListPagesInput = z.input<typeof ListPagesInputSchema>;

export interface FacebookPage {
  id: string;
  name: string;
  /** Page token; does not expire when derived from a long-lived user token. */
  accessToken?: string;
  category?: string;
  tasks: string[];
  instagramBusinessAccountId?: string;
}

const FieldsSchema = z.array(z.string().regex(/^[a-z_]+$/)).min(1);

export const SubscribePageAppInputSchema = z.strictObject({
  pageId: PathIdSchema,
  token: TokenSchema,
  /** messages, messaging_postbacks, message_echoes, message_deliveries, message_reads, … */
  fields: FieldsSchema,
});
export type SubscribePageAppInput = z.input<typeof SubscribePageAppInputSchema>;

export const SubscribeInstagramAppInputSchema = z.strictObject({ token: TokenSchema, fields: FieldsSchema });
export type SubscribeInstagramAppInput = z.input<typeof SubscribeInstagramAppInputSchema>;

export const SubscribeWabaAppInputSchema = z.strictObject({ wabaId: PathIdSchema, token: TokenSchema });
export type SubscribeWabaAppInput = z.input<typeof SubscribeWabaAppInputSchema>;

const PAGE_FIELDS = 'id,name,access_token,category,tasks,instagram_business_account';

export function createPageCalls(transport: Transport) {
  async function listPages(input: ListPagesInput): Promise<FacebookPage[]> {
    const { token, maxPages } = validate(ListPagesInputSchema, input, 'page listing');
    const path = '/me/accounts';
    const endpoint = `GET ${path}`;
    const raw = await collectPages(transport, {
      host: 'graph',
      path,
      token,
      query: { fields: PAGE_FIELDS },
      maxPages,
    });
    return raw.map((p) => {
      const page: FacebookPage = {
        id: requiredString(p, 'id', endpoint),
        name: optionalString(p, 'name') ?? '',
        tasks: Array.isArray(p.tasks) ? p.tasks.filter((t): t is string => typeof t === 'string') : [],
      };
      const accessToken = optionalString(p, 'access_token');
      if (accessToken !== undefined) {
        transport.registerSecret(accessToken);
        page.accessToken = accessToken;
      }
      const category = optionalString(p, 'category');
      if (category !== undefined) page.category = category;
      const ig = p.instagram_business_account as { id?: unknown } | undefined;
      if (typeof ig?.id === 'string') page.instagramBusinessAccountId = ig.id;
      return page;
    });
  }

  /** Subscribes the app to the Page's webhooks (Page token). */
  async function subscribePageApp(input: SubscribePageAppInput): Promise<void> {
    const { pageId, token, fields } = validate(SubscribePageAppInputSchema, input, 'page subscription');
    const path = `/${pageId}/subscribed_apps`;
    requireSuccess(
      await transport.call({
        host: 'graph',
        method: 'POST',
        path,
        token,
        // Meta documents subscribed_fields as a parameter of the POST URL.
        query: { subscribed_fields: fields.join(',') },
      }),
      `POST ${path}`,
    );
  }

  /** Subscribes the app to an Instagram Login account's webhooks (`/me/subscribed_apps`, IG token). */
  async function subscribeInstagramApp(input: SubscribeInstagramAppInput): Promise<void> {
    const { token, fields } = validate(SubscribeInstagramAppInputSchema, input, 'Instagram subscription');
    const path = '/me/subscribed_apps';
    requireSuccess(
      await transport.call({
        host: 'instagram',
        method: 'POST',
        path,
        token,
        // Meta documents subscribed_fields as a parameter of the POST URL.
        query: { subscribed_fields: fields.join(',') },
      }),
      `POST ${path}`,
    );
  }

  /** Subscribes the app to a WhatsApp Business Account's webhooks. */
  async function subscribeWabaApp(input: SubscribeWabaAppInput): Promise<void> {
    const { wabaId, token } = validate(SubscribeWabaAppInputSchema, input, 'WABA subscription');
    const path = `/${wabaId}/subscribed_apps`;
    requireSuccess(await transport.call({ host: 'graph', method: 'POST', path, token }), `POST ${path}`);
  }

  return { listPages, subscribePageApp, subscribeInstagramApp, subscribeWabaApp };
}
