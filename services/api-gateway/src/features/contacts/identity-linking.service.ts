import { type GraphClient, GraphError } from '@omnistream/graph';
import type { IntegrationsRepository } from '@omnistream/integrations';
import type { Logger } from '@omnistream/logger';
import { AppError } from '@omnistream/service-kit';
import { graphFailure, metaDetails } from '../../shared/graph-failure.ts';
import type {
  ContactIdentitiesRepository,
  IdentityLink,
  StoredIdentityLink,
} from './contact-identities.repository.ts';
import { ID_MATCHING_REVIEW_HOURS, isIdMatchingUnderReview, metaErrorOf } from './id-matching-review.ts';

export interface IdentityLinkingDeps {
  integrations: Pick<IntegrationsRepository, 'getWithToken'>;
  graph: Pick<GraphClient, 'idsForApps' | 'idsForPages'>;
  identities: ContactIdentitiesRepository;
  logger: Logger;
  now?: () => Date;
}

export interface LinkedIds {
  integrationId: string;
  contactId: string;
  /** The Page of the integration, on which `contactId` is the person's page-scoped id. */
  pageId: string;
  links: StoredIdentityLink[];
  /** When Meta was asked. */
  refreshedAt: Date;
}

export interface IdentityLinking {
  linkedIds(input: { integrationId: string; contactId: string }): Promise<LinkedIds>;
}

/**
 * ID matching (docs/meta-platform.md, "Business setup facts"): from a person's page-scoped id on an integration's Page, their ids in every
 * app (`ids_for_apps`) and on every Page (`ids_for_pages`) of the same business, both with the
 * Page token and appsecret_proof (the Graph client adds the proof and follows paging).
 */
export function createIdentityLinking(deps: IdentityLinkingDeps): IdentityLinking {
  const { integrations, graph, identities, logger } = deps;
  const now = deps.now ?? (() => new Date());

  function failure(err: unknown): unknown {
    const meta = metaErrorOf(err);
    if (meta instanceof GraphError && isIdMatchingUnderReview(err)) {
      return new AppError(
        'GW_CONFLICT',
        `Meta is reviewing this app's use of ID matching and answers ${meta.message} until the review ` +
          `completes. The first calls start that review, which takes about ${ID_MATCHING_REVIEW_HOURS} hours; ` +
          'nothing needs changing here, retry once it is over.',
        {
          status: 409,
          retryable: true,
          cause: err,
          details: {
            reason: 'id_matching_under_review',
            reviewHours: ID_MATCHING_REVIEW_HOURS,
            meta: metaDetails(meta),
          },
        },
      );
    }
    return graphFailure(meta, 'match ids across the business');
  }

  return {
    async linkedIds({ integrationId, contactId }) {
      const found = await integrations.getWithToken(integrationId);
      if (!found) throw new AppError('GW_NOT_FOUND', 'no integration with this id', { status: 404 });
      const { integration, token } = found;
      if (integration.channel !== 'messenger' || integration.pageId === null) {
        throw new AppError(
          'GW_BAD_REQUEST',
          `ID matching needs a Messenger integration (a Page token); this one is ${integration.channel}`,
          {
            status: 400,
            details: {
              issues: [{ path: 'querystring.integrationId', message: 'must be a Messenger integration' }],
            },
          },
        );
      }
      if (integration.status !== 'active') {
        throw new AppError('GW_CONFLICT', 'the integration is disabled', { status: 409 });
      }
      const [apps, pages] = await Promise.all([
        graph.idsForApps({ psid: contactId, token }),
        graph.idsForPages({ asid: contactId, token }),
      ]).catch((err: unknown) => {
        throw failure(err);
      });
      const links: IdentityLink[] = [
        ...apps.map((a) => ({
          scope: 'app' as const,
          scopeId: a.appId,
          scopeName: a.appName ?? null,
          scopedId: a.id,
        })),
        ...pages.map((p) => ({
          scope: 'page' as const,
          scopeId: p.pageId,
          scopeName: p.pageName ?? null,
          scopedId: p.id,
        })),
      ];
      const refreshedAt = now();
      const stored = await identities.replace({ integrationId, contactId, links, at: refreshedAt });
      logger.info(
        { integrationId, contactId, apps: apps.length, pages: pages.length },
        'contact identities refreshed from ID matching',
      );
      return { integrationId, contactId, pageId: integration.pageId, links: stored, refreshedAt };
    },
  };
}
