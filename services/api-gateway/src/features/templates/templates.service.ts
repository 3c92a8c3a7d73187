import { type GraphClient, GraphError } from '@omnistream/graph';
import type { Integration, IntegrationsRepository } from '@omnistream/integrations';
import type { Logger } from '@omnistream/logger';
import { AppError, InvalidCursorError } from '@omnistream/service-kit';
import { aChannel } from '../../shared/a-channel.ts';
import { graphConflict, graphFailure } from '../../shared/graph-failure.ts';
import { integrationToken, type TokenSource } from '../../shared/integration-token.ts';
import type { WhatsAppTemplate } from './template.ts';
import type { SyncReport, TemplateSync } from './template-sync.ts';
import type { ListTemplatesQuery, TemplatesRepository } from './templates.repository.ts';

export interface NewTemplate {
  name: string;
  language: string;
  category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
  /** Meta's component definitions (HEADER, BODY, FOOTER, BUTTONS), passed through verbatim. */
  components: ({ type: string } & Record<string, unknown>)[];
  parameterFormat?: 'POSITIONAL' | 'NAMED' | undefined;
  allowCategoryChange?: boolean | undefined;
}

// Meta answers an existing name + language with code 100, subcode 2388024 ("Content in this
// language already exists"; packages/meta-sim fixtures).
const TEMPLATE_EXISTS_SUBCODE = 2388024;

export type TemplateFilter = Omit<ListTemplatesQuery, 'wabaId'>;

/** What the admin routes do with templates; every failure is an AppError with the right status. */
export interface TemplatesService {
  list(
    integrationId: string,
    filter: TemplateFilter,
  ): Promise<{ wabaId: string; items: WhatsAppTemplate[]; nextCursor: string | null }>;
  /** Creates the template at Meta, then stores it with the id and status Meta answered. */
  create(integrationId: string, template: NewTemplate): Promise<WhatsAppTemplate>;
  /** Re-reads the integration's WABA from Meta now. */
  sync(integrationId: string): Promise<SyncReport>;
}

export function createTemplatesService(deps: {
  repository: Pick<TemplatesRepository, 'list' | 'insertCreated'>;
  sync: TemplateSync;
  graph: Pick<GraphClient, 'createTemplate'>;
  integrations: Pick<IntegrationsRepository, 'get'>;
  tokens: TokenSource;
  logger: Logger;
}): TemplatesService {
  /** The integration's WABA, or the reason it has no templates. */
  async function wabaOf(integrationId: string): Promise<{ integration: Integration; wabaId: string }> {
    const integration = await deps.integrations.get(integrationId);
    if (!integration) throw new AppError('GW_NOT_FOUND', 'no such integration', { status: 404 });
    if (integration.channel !== 'whatsapp') {
      throw new AppError(
        'GW_CONFLICT',
        `integration ${integration.id} is ${aChannel(integration.channel)} integration; message templates exist only for WhatsApp`,
        { status: 409 },
      );
    }
    if (!integration.wabaId) {
      throw new AppError(
        'GW_CONFLICT',
        `integration ${integration.id} has no WhatsApp Business Account id (wabaId); set it first`,
        { status: 409 },
      );
    }
    return { integration, wabaId: integration.wabaId };
  }

  /** A Meta call needs the integration's token: only active integrations have one. */
  async function tokenOf(integration: Integration): Promise<string> {
    if (integration.status !== 'active') {
      throw new AppError('GW_CONFLICT', `integration ${integration.id} is ${integration.status}`, {
        status: 409,
      });
    }
    const token = (await integrationToken(deps.tokens, integration.id))?.token;
    if (!token) {
      throw new AppError('GW_UNAVAILABLE', 'the integration token could not be loaded; retry shortly', {
        status: 503,
      });
    }
    return token;
  }

  return {
    async list(integrationId, filter) {
      const { wabaId } = await wabaOf(integrationId);
      try {
        return { wabaId, ...(await deps.repository.list({ ...filter, wabaId })) };
      } catch (err) {
        if (err instanceof InvalidCursorError) {
          throw new AppError('GW_BAD_REQUEST', err.message, { status: 400, cause: err });
        }
        throw err;
      }
    },

    async create(integrationId, t) {
      const { integration, wabaId } = await wabaOf(integrationId);
      const token = await tokenOf(integration);
      let created: Awaited<ReturnType<typeof deps.graph.createTemplate>>;
      try {
        created = await deps.graph.createTemplate({
          wabaId,
          token,
          name: t.name,
          language: t.language,
          category: t.category,
          components: t.components,
          ...(t.parameterFormat === undefined ? {} : { parameterFormat: t.parameterFormat }),
          ...(t.allowCategoryChange === undefined ? {} : { allowCategoryChange: t.allowCategoryChange }),
        });
      } catch (err) {
        const action = `create template ${t.name} (${t.language})`;
        if (err instanceof GraphError && err.code === 100 && err.subcode === TEMPLATE_EXISTS_SUBCODE) {
          throw graphConflict(err, action);
        }
        throw graphFailure(err, action);
      }
      deps.logger.info(
        {
          integrationId,
          wabaId,
          templateId: created.id,
          name: t.name,
          language: t.language,
          status: created.status,
        },
        'template created at Meta',
      );
      return deps.repository.insertCreated({
        wabaId,
        integrationId,
        templateId: created.id,
        name: t.name,
        language: t.language,
        category: created.category,
        status: created.status,
        parameterFormat: t.parameterFormat ?? null,
        components: t.components,
      });
    },

    async sync(integrationId) {
      const { integration, wabaId } = await wabaOf(integrationId);
      const token = await tokenOf(integration);
      try {
        return await deps.sync.syncWaba({ wabaId, integrationId, token });
      } catch (err) {
        throw graphFailure(err, `list the templates of WABA ${wabaId}`);
      }
    },
  };
}
