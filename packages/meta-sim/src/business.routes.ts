import type { FastifyInstance, FastifyRequest } from 'fastify';
import { accessTokenOf, authenticate } from './auth.ts';
import { graphHandler } from './graph-call.ts';
import {
  idMatchingUnderReview,
  invalidAppId,
  invalidParam,
  requiredParam,
  unsupportedRequest,
} from './meta-errors.ts';
import { field, param, pathOf, queryField } from './request-fields.ts';
import type { SimContext } from './sim-context.ts';
import { isAppToken } from './token.routes.ts';

/**
 * FBE (system-user token, installs, feature configuration) and ID matching. Shapes only: fixtures
 * fbe_installs_get and fbe_system_user_token (the latter unconfirmed beyond `access_token`).
 */
export function registerBusinessRoutes(app: FastifyInstance, ctx: SimContext): void {
  const { business, accounts } = ctx;

  function callerMayRead(req: FastifyRequest): void {
    if (!isAppToken(ctx, accessTokenOf(req))) authenticate(ctx, req);
  }

  function externalId(req: FastifyRequest): string {
    const id = field(req, 'fbe_external_business_id');
    if (id === undefined) throw requiredParam('fbe_external_business_id');
    return id;
  }

  app.post(
    '/:ver/:id/access_token',
    graphHandler(ctx, {
      channel: 'graph',
      run(req) {
        const user = authenticate(ctx, req);
        const bmId = param(req, 'id');
        const appId = field(req, 'app_id');
        if (appId === undefined) throw requiredParam('app_id');
        if (appId !== ctx.app.id) throw invalidAppId(appId);
        const scope = field(req, 'scope');
        if (scope === undefined) throw requiredParam('scope');
        const found = business.byBusinessManager(bmId);
        if (!found || found.externalBusinessId !== externalId(req)) throw unsupportedRequest('post', bmId);
        const { install } = found;
        const token = accounts.addToken({
          token: ctx.ids.token('EAAG'),
          type: 'SYSTEM_USER',
          accounts: [bmId, ...install.pages, ...install.instagram_profiles, ...user.grants],
          scopes: scope.split(',').map((s) => s.trim()),
          userName: 'FBE System User',
        });
        return { body: { access_token: token.token } };
      },
    }),
  );

  app.get(
    '/:ver/fbe_business/fbe_installs',
    graphHandler(ctx, {
      channel: 'graph',
      run(req) {
        callerMayRead(req);
        const install = business.install(externalId(req));
        return { body: { data: install ? [install] : [] } };
      },
    }),
  );

  app.delete(
    '/:ver/fbe_business/fbe_installs',
    graphHandler(ctx, {
      channel: 'graph',
      run(req) {
        callerMayRead(req);
        return { body: { success: business.removeInstall(externalId(req)) } };
      },
    }),
  );

  app.get(
    '/:ver/fbe_business',
    graphHandler(ctx, {
      channel: 'graph',
      run(req) {
        callerMayRead(req);
        const id = externalId(req);
        return { body: { fbe_external_business_id: id, business_config: business.configuration(id) ?? {} } };
      },
    }),
  );

  app.post(
    '/:ver/fbe_business',
    graphHandler(ctx, {
      channel: 'graph',
      run(req) {
        callerMayRead(req);
        const id = externalId(req);
        let config: unknown = (req.body as { business_config?: unknown } | undefined)?.business_config;
        if (typeof config === 'string') {
          try {
            config = JSON.parse(config);
          } catch {
            throw invalidParam('Param business_config must be a JSON object');
          }
        }
        if (typeof config !== 'object' || config === null) throw requiredParam('business_config');
        business.setConfiguration(id, config);
        return { body: { success: true } };
      },
    }),
  );

  // ID matching needs appsecret_proof on every call (Messenger "ID Matching" docs). The node may be a
  // PSID or an ASID: either reaches the person's ids in every app (`ids_for_apps`) and on every Page
  // (`ids_for_pages`) of the business (docs/meta-platform.md, "Business setup facts"). `app=` / `page=` narrow to one app or Page. Pages of
  // `limit` (default business.idMatchingPageSize) items with Graph cursor paging: `next` repeats the
  // call's parameters, access_token included, like the template listing.
  function idMatching(edge: 'ids_for_apps' | 'ids_for_pages') {
    return graphHandler(ctx, {
      channel: 'messenger',
      run(req) {
        const token = authenticate(ctx, req, { requireProof: true });
        const id = param(req, 'id');
        business.recordIdMatchingRequest({
          edge,
          id,
          appsecretProof: field(req, 'appsecret_proof'),
          tokenLast4: token.token.slice(-4),
          after: queryField(req, 'after'),
        });
        if (business.idMatchingUnderReview) throw idMatchingUnderReview();
        const links = business.personLinks(id);
        const data: { id: string; [key: string]: unknown }[] = [];
        const seen = new Set<string>();
        if (edge === 'ids_for_apps') {
          const only = queryField(req, 'app');
          for (const l of links) {
            if (seen.has(l.appId) || (only !== undefined && l.appId !== only)) continue;
            seen.add(l.appId);
            data.push({
              id: l.asid,
              app: { category: 'Business', link: `${ctx.baseUrl()}/`, name: ctx.app.name, id: l.appId },
            });
          }
        } else {
          const only = queryField(req, 'page');
          for (const l of links) {
            if (seen.has(l.pageId) || (only !== undefined && l.pageId !== only)) continue;
            seen.add(l.pageId);
            data.push({ id: l.psid, page: { name: accounts.page(l.pageId)?.name ?? 'Page', id: l.pageId } });
          }
        }
        return { body: paged(req, data) };
      },
    });
  }

  function paged(req: FastifyRequest, all: { id: string }[]): Record<string, unknown> {
    const limitParam = queryField(req, 'limit');
    const limit =
      limitParam !== undefined && /^[1-9]\d{0,3}$/.test(limitParam)
        ? Number(limitParam)
        : business.idMatchingPageSize;
    const after = queryField(req, 'after');
    let start = 0;
    if (after !== undefined) {
      const index = all.findIndex((item) => cursor(item.id) === after);
      if (index < 0) throw invalidParam('Invalid cursor: after');
      start = index + 1;
    }
    const data = all.slice(start, start + limit);
    const first = data[0];
    const last = data[data.length - 1];
    if (!first || !last) return { data };
    const paging: Record<string, unknown> = { cursors: { before: cursor(first.id), after: cursor(last.id) } };
    if (start + limit < all.length) {
      const params = new URLSearchParams();
      const token = accessTokenOf(req);
      if (token !== undefined) params.set('access_token', token);
      for (const key of ['fields', 'app', 'page', 'limit', 'appsecret_proof']) {
        const v = queryField(req, key);
        if (v !== undefined) params.set(key, v);
      }
      params.set('after', cursor(last.id));
      paging.next = `${ctx.baseUrl()}${pathOf(req)}?${params.toString()}`;
    }
    return { data, paging };
  }

  app.get('/:ver/:id/ids_for_apps', idMatching('ids_for_apps'));
  app.get('/:ver/:id/ids_for_pages', idMatching('ids_for_pages'));
}

function cursor(id: string): string {
  return Buffer.from(`id:${id}`).toString('base64url');
}
