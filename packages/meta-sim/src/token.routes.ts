import type { FastifyInstance } from 'fastify';
import type { TokenRecord } from './account-types.ts';
import { accessTokenOf, authenticate } from './auth.ts';
import { graphHandler } from './graph-call.ts';
import { GraphError } from './graph-error.ts';
import { invalidToken, requiredParam } from './meta-errors.ts';
import { field, pathOf, queryField } from './request-fields.ts';
import type { SimContext } from './sim-context.ts';

/** `{app-id}|{app-secret}`: the app access token debug_token is usually called with. */
export function isAppToken(ctx: SimContext, token: string | undefined): boolean {
  return (
    token === `${ctx.app.id}|${ctx.app.secret}` ||
    token === `${ctx.app.instagramAppId}|${ctx.app.instagramAppSecret}`
  );
}

/** Keeps only the requested `fields` (plus `id`, which Graph always returns), in the given order. */
export function pickFields(
  all: Record<string, unknown>,
  fields: string | undefined,
  defaults: string[],
): Record<string, unknown> {
  const wanted = fields ? fields.split(',').map((f) => f.trim()) : defaults;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(all)) {
    if ((wanted.includes(key) || key === 'id') && all[key] !== undefined) out[key] = all[key];
  }
  return out;
}

/** `/me`, `debug_token` and `/me/accounts` on graph.facebook.com. */
export function registerTokenRoutes(app: FastifyInstance, ctx: SimContext): void {
  const { accounts } = ctx;

  app.get(
    '/:ver/me',
    graphHandler(ctx, {
      channel: 'graph',
      run(req) {
        const token = authenticate(ctx, req);
        // fixtures me_facebook / me_page_token: a Page token is "me" as the Page.
        const pageId = token.type === 'PAGE' ? accounts.accountForToken(token, 'page') : undefined;
        const page = pageId === undefined ? undefined : accounts.page(pageId);
        const all = page ? { name: page.name, id: page.pageId } : { name: token.userName, id: token.userId };
        return { body: pickFields(all, queryField(req, 'fields'), ['id', 'name']) };
      },
    }),
  );

  app.get(
    '/:ver/debug_token',
    graphHandler(ctx, {
      channel: 'graph',
      run(req) {
        const caller = accessTokenOf(req);
        if (!isAppToken(ctx, caller)) authenticate(ctx, req);
        const input = field(req, 'input_token');
        if (input === undefined) throw requiredParam('input_token');
        return { body: { data: debugData(ctx, input) } };
      },
    }),
  );

  app.get(
    '/:ver/me/accounts',
    graphHandler(ctx, {
      channel: 'graph',
      run(req) {
        const token = authenticate(ctx, req);
        // Graph pages /me/accounts like every edge: `limit` (default 25), `after` cursor, and a
        // `next` link repeating the call's parameters while more Pages remain.
        const all = accounts.pagesOfToken(token);
        const cursorOf = (pageId: string) => Buffer.from(`page:${pageId}`).toString('base64url');
        const limitParam = queryField(req, 'limit');
        const limit =
          limitParam !== undefined && /^\d+$/.test(limitParam) ? Math.max(1, Number(limitParam)) : 25;
        const after = queryField(req, 'after');
        const start = after === undefined ? 0 : all.findIndex((p) => cursorOf(p.pageId) === after) + 1;
        const slice = all.slice(start, start + limit);
        const data = slice.map((page) => {
          // Page tokens derived from a user token (fixture me_accounts note: they do not expire).
          const pageToken =
            accounts.tokenFor(page.pageId, 'PAGE') ??
            accounts.addToken({
              token: ctx.ids.token('EAAG'),
              type: 'PAGE',
              accounts: [page.pageId],
              scopes: ['pages_messaging', 'pages_manage_metadata', 'pages_show_list'],
              userId: token.userId,
              userName: token.userName,
            });
          const entry: Record<string, unknown> = {
            access_token: pageToken.token,
            category: page.category,
            category_list: [{ id: '2250', name: page.category }],
            name: page.name,
            id: page.pageId,
            tasks: ['ADVERTISE', 'ANALYZE', 'CREATE_CONTENT', 'MESSAGING', 'MODERATE', 'MANAGE'],
          };
          if (page.instagramBusinessAccountId) {
            entry.instagram_business_account = { id: page.instagramBusinessAccountId };
          }
          return entry;
        });
        const first = slice[0];
        const last = slice[slice.length - 1];
        const body: Record<string, unknown> = { data };
        if (first && last) {
          const paging: Record<string, unknown> = {
            cursors: { before: cursorOf(first.pageId), after: cursorOf(last.pageId) },
          };
          if (start + limit < all.length) {
            const params = new URLSearchParams();
            const caller = accessTokenOf(req);
            if (caller !== undefined) params.set('access_token', caller);
            for (const key of ['fields', 'limit', 'appsecret_proof']) {
              const v = queryField(req, key);
              if (v !== undefined) params.set(key, v);
            }
            params.set('after', cursorOf(last.pageId));
            paging.next = `${ctx.baseUrl()}${pathOf(req)}?${params.toString()}`;
          }
          body.paging = paging;
        }
        return { body };
      },
    }),
  );
}

/** debug_token's `data` (fixtures debug_token_*): HTTP 200 even for an invalid token. */
function debugData(ctx: SimContext, input: string): Record<string, unknown> {
  const record = ctx.accounts.token(input);
  if (!record) {
    const error = invalidToken().body().error;
    return { error: { code: error.code, message: error.message }, is_valid: false, scopes: [] };
  }
  const base = {
    app_id: record.type === 'INSTAGRAM' ? ctx.app.instagramAppId : ctx.app.id,
    type: record.type === 'INSTAGRAM' ? 'USER' : record.type,
    application: ctx.app.name,
    data_access_expires_at: record.expiresAtMs === 0 ? 0 : Math.floor(record.expiresAtMs / 1000) + 90 * 86400,
    expires_at: Math.floor(record.expiresAtMs / 1000),
  };
  try {
    ctx.accounts.authenticate(input);
  } catch (err) {
    if (!(err instanceof GraphError)) throw err;
    const e = err.body().error;
    return {
      ...base,
      is_valid: false,
      issued_at: Math.floor(record.issuedAtMs / 1000),
      // Note `subcode`, not `error_subcode`, inside debug_token (fixture debug_token_invalid).
      error: { code: e.code, message: e.message, ...(e.error_subcode ? { subcode: e.error_subcode } : {}) },
      scopes: record.scopes,
      user_id: record.userId,
    };
  }
  return {
    ...base,
    is_valid: true,
    issued_at: Math.floor(record.issuedAtMs / 1000),
    scopes: record.scopes,
    granular_scopes: granularScopes(ctx, record),
    user_id: record.userId,
  };
}

function granularScopes(ctx: SimContext, record: TokenRecord): { scope: string; target_ids?: string[] }[] {
  const grants = [...record.grants];
  return record.scopes.map((scope) => {
    let targets: string[] = [];
    if (scope.startsWith('whatsapp_')) targets = grants.filter((id) => ctx.accounts.isWaba(id));
    else if (scope.startsWith('pages_')) targets = grants.filter((id) => ctx.accounts.page(id));
    else if (scope.startsWith('instagram_'))
      targets = grants.filter((id) => ctx.accounts.instagramAccount(id));
    // No target_ids means "all" (fixture debug_token_system_user note).
    return targets.length > 0 ? { scope, target_ids: targets } : { scope };
  });
}
