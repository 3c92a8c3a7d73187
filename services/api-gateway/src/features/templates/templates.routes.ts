import { z } from 'zod';
import type { AdminApp } from '../../shared/admin-app.ts';
import { GRAPH_FAILURE_STATUSES } from '../../shared/graph-failure.ts';
import { toIso } from '../../shared/iso-date.ts';
import type { WhatsAppTemplate } from './template.ts';
import type { TemplatesService } from './templates.service.ts';

export interface TemplatesRouteDeps {
  templates: TemplatesService;
}

const TAGS = ['templates'];

const Params = z.object({ id: z.uuid().describe('integration id (a WhatsApp integration)') });

const ComponentSchema = z.looseObject({
  type: z.string().min(1).describe('HEADER, BODY, FOOTER or BUTTONS'),
});

const TemplateView = z.object({
  id: z.string().describe("Meta's template id"),
  wabaId: z.string(),
  integrationId: z.uuid().describe('the integration whose token last wrote this template'),
  name: z.string(),
  language: z.string(),
  category: z.string().nullable(),
  status: z.string().describe('APPROVED, PENDING, REJECTED, PAUSED, DISABLED, … as Meta says'),
  qualityScore: z.string().nullable().describe('GREEN, YELLOW, RED or UNKNOWN, from quality webhooks'),
  rejectedReason: z.string().nullable(),
  lastStatusEvent: z
    .string()
    .nullable()
    .describe('the last status webhook’s event (FLAGGED or LOCKED do not change the status)'),
  parameterFormat: z.string().nullable(),
  components: z.array(z.record(z.string(), z.unknown())),
  syncedAt: z.iso.datetime().nullable().describe('when a sync last read it from Meta'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

const view = (t: WhatsAppTemplate): z.infer<typeof TemplateView> => ({
  id: t.templateId,
  wabaId: t.wabaId,
  integrationId: t.integrationId,
  name: t.name,
  language: t.language,
  category: t.category,
  status: t.status,
  qualityScore: t.qualityScore,
  rejectedReason: t.rejectedReason,
  lastStatusEvent: t.lastStatusEvent,
  parameterFormat: t.parameterFormat,
  components: t.components,
  syncedAt: toIso(t.syncedAt),
  createdAt: toIso(t.createdAt),
  updatedAt: toIso(t.updatedAt),
});

const ListQuery = z.object({
  status: z
    .string()
    .regex(/^[A-Za-z_]+(,[A-Za-z_]+)*$/, 'one status or several separated by commas')
    .optional()
    .describe('APPROVED, or several such as APPROVED,PAUSED'),
  name: z.string().min(1).max(512).optional().describe('part of the template name'),
  language: z.string().min(2).max(16).optional().describe('exact language code, e.g. en_US'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(1024).optional().describe('nextCursor of the previous page'),
});

const CreateBody = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(512)
    .regex(/^[a-z0-9_]+$/, 'lowercase letters, digits and underscores only'),
  language: z
    .string()
    .regex(/^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,4})?$/, 'a language code such as en_US or pt_BR'),
  category: z.enum(['MARKETING', 'UTILITY', 'AUTHENTICATION']),
  components: z.array(ComponentSchema).min(1).max(20),
  parameterFormat: z.enum(['POSITIONAL', 'NAMED']).optional(),
  allowCategoryChange: z
    .boolean()
    .optional()
    .describe('let Meta re-categorize the template instead of rejecting it'),
});

const SyncReportView = z.object({
  wabaId: z.string(),
  total: z.int().describe('templates Meta lists'),
  added: z.int(),
  updated: z.int(),
  unchanged: z.int(),
  removed: z.int().describe('templates Meta no longer lists, deleted from the table'),
});

/**
 * WhatsApp message templates of an integration's WABA. Listing reads the table (kept in sync from
 * Meta periodically, on demand and by template webhooks); creating and syncing call Meta.
 */
export function registerTemplateRoutes(app: AdminApp, deps: TemplatesRouteDeps): void {
  app.get(
    '/integrations/:id/templates',
    {
      schema: {
        tags: TAGS,
        summary: "List the templates of a WhatsApp integration's WABA (from the gateway's copy)",
        description:
          'Templates belong to the WhatsApp Business Account: every integration of one WABA lists the ' +
          'same templates. Ordered by name and language. 404 for an unknown integration, 409 for one ' +
          'that is not WhatsApp or has no WABA id.',
        params: Params,
        querystring: ListQuery,
        response: {
          200: z.object({
            wabaId: z.string(),
            items: z.array(TemplateView),
            nextCursor: z.string().nullable(),
          }),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await deps.templates.list(request.params.id, {
        statuses: q.status?.toUpperCase().split(','),
        name: q.name,
        language: q.language,
        limit: q.limit,
        cursor: q.cursor,
      });
      return { wabaId: page.wabaId, items: page.items.map(view), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/integrations/:id/templates',
    {
      schema: {
        tags: TAGS,
        summary: 'Create a template at Meta and store it with the id and status Meta answers',
        description:
          'Meta reviews new templates: the status is usually PENDING, and a webhook moves it to ' +
          'APPROVED or REJECTED. 409 when the name already exists in that language. ' +
          GRAPH_FAILURE_STATUSES,
        params: Params,
        body: CreateBody,
        response: { 201: TemplateView },
      },
    },
    async (request, reply) => {
      const created = await deps.templates.create(request.params.id, request.body);
      request.log.info(
        { integrationId: request.params.id, templateId: created.templateId, by: request.adminKey?.id },
        'template created',
      );
      return reply.status(201).send(view(created));
    },
  );

  app.post(
    '/integrations/:id/templates/sync',
    {
      schema: {
        tags: TAGS,
        summary: "Re-read the WABA's templates from Meta now",
        description:
          'Reads every page of Meta’s listing and mirrors it: new templates are added, changed ones ' +
          'updated, and templates Meta no longer lists (deleted in WhatsApp Manager) are removed from ' +
          'the gateway’s copy. A template written by a create or a webhook while the listing was read ' +
          'is left for the next sync. ' +
          GRAPH_FAILURE_STATUSES,
        params: Params,
        response: { 200: SyncReportView },
      },
    },
    async (request) => {
      const report = await deps.templates.sync(request.params.id);
      request.log.info(
        { integrationId: request.params.id, ...report, by: request.adminKey?.id },
        'templates synced',
      );
      return report;
    },
  );
}
