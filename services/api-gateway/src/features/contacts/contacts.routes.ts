import { z } from 'zod';
import type { AdminApp } from '../../shared/admin-app.ts';
import { GRAPH_FAILURE_STATUSES } from '../../shared/graph-failure.ts';
import { toIso } from '../../shared/iso-date.ts';
import type { IdentityLinking } from './identity-linking.service.ts';

export interface ContactsRouteDeps {
  identityLinking: IdentityLinking;
}

const AppId = z.object({
  appId: z.string(),
  appName: z.string().nullable(),
  id: z.string().describe("the person's app-scoped id in that app"),
});
const PageId = z.object({
  pageId: z.string(),
  pageName: z.string().nullable(),
  id: z.string().describe("the person's page-scoped id (PSID) on that Page"),
});

/** Contacts: one person's ids across the business's apps and Pages (ID matching; docs/meta-platform.md, "Business setup facts"). */
export function registerContactRoutes(app: AdminApp, deps: ContactsRouteDeps): void {
  app.get(
    '/contacts/:id/linked-ids',
    {
      schema: {
        tags: ['contacts'],
        summary:
          "One person's ids in every app and on every Page of the business (ids_for_apps / ids_for_pages); stored as contact identities",
        description:
          "Asks Meta with the integration's Page token and appsecret_proof and follows paging. While Meta reviews the " +
          "app's first use of ID matching (about 48 h) the answer is 409 with code GW_CONFLICT. " +
          GRAPH_FAILURE_STATUSES,
        params: z.object({
          id: z
            .string()
            .regex(/^\d{1,64}$/, 'must be a page-scoped id (digits)')
            .describe("the contact's PSID"),
        }),
        querystring: z.object({
          integrationId: z.uuid().describe('the Messenger integration whose Page the PSID belongs to'),
        }),
        response: {
          200: z.object({
            contactId: z.string(),
            integrationId: z.string(),
            pageId: z.string(),
            apps: z.array(AppId),
            pages: z.array(PageId),
            refreshedAt: z.iso.datetime().describe('when Meta was asked'),
          }),
        },
      },
    },
    async (request) => {
      const linked = await deps.identityLinking.linkedIds({
        integrationId: request.query.integrationId,
        contactId: request.params.id,
      });
      return {
        contactId: linked.contactId,
        integrationId: linked.integrationId,
        pageId: linked.pageId,
        apps: linked.links
          .filter((l) => l.scope === 'app')
          .map((l) => ({ appId: l.scopeId, appName: l.scopeName, id: l.scopedId })),
        pages: linked.links
          .filter((l) => l.scope === 'page')
          .map((l) => ({ pageId: l.scopeId, pageName: l.scopeName, id: l.scopedId })),
        refreshedAt: toIso(linked.refreshedAt),
      };
    },
  );
}
