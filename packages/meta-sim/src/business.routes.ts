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
import { field, param } from './request-fields.ts';
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

  // ID matching needs appsecret_proof on every call (Messenger "ID Matching" docs).
  app.get(
    '/:ver/:id/ids_for_apps',
    graphHandler(ctx, {
      channel: 'messenger',
      run(req) {
        authenticate(ctx, req, { requireProof: true });
        if (business.idMatchingUnderReview) throw idMatchingUnderReview();
        const links = business.linksByPsid(param(req, 'id'));
        const data = links.map((l) => ({
          id: l.asid,
          app: { category: 'Business', link: `${ctx.baseUrl()}/`, name: ctx.app.name, id: l.appId },
        }));
        return { body: withCursors(data) };
      },
    }),
  );

  app.get(
    '/:ver/:id/ids_for_pages',
    graphHandler(ctx, {
      channel: 'messenger',
      run(req) {
        authenticate(ctx, req, { requireProof: true });
        if (business.idMatchingUnderReview) throw idMatchingUnderReview();
        const links = business.linksByAsid(param(req, 'id'));
        const data = links.map((l) => ({
          id: l.psid,
          page: { name: accounts.page(l.pageId)?.name ?? 'Page', id: l.pageId },
        }));
        return { body: withCursors(data) };
      },
    }),
  );
}

function withCursors(data: { id: string }[]): Record<string, unknown> {
  const first = data[0];
  const last = data[data.length - 1];
  if (!first || !last) return { data };
  const cursor = (id: string) => Buffer.from(`id:${id}`).toString('base64url');
  return { data, paging: { cursors: { before: cursor(first.id), after: cursor(last.id) } } };
}
