import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TokenRecord } from './account-types.ts';
import { accessTokenOf, authenticate } from './auth.ts';
import { graphHandler } from './graph-call.ts';
import { unsupportedRequest } from './meta-errors.ts';
import { param, pathOf, queryField } from './request-fields.ts';
import type { SimContext } from './sim-context.ts';

/** `GET` / `POST /{waba-id}/message_templates` (fixture whatsapp_templates_list). */
export function registerTemplateRoutes(app: FastifyInstance, ctx: SimContext): void {
  function waba(req: FastifyRequest, token: TokenRecord, method: 'get' | 'post'): string {
    const id = param(req, 'id');
    if (!ctx.accounts.isWaba(id) || !token.grants.has(id)) throw unsupportedRequest(method, id);
    return id;
  }

  app.get(
    '/:ver/:id/message_templates',
    graphHandler(ctx, {
      channel: 'whatsapp',
      run(req) {
        const token = authenticate(ctx, req);
        const wabaId = waba(req, token, 'get');
        const limit = queryField(req, 'limit');
        // Graph repeats the call's own parameters in paging links, access_token included
        // (fixture whatsapp_templates_list); clients follow `next` as given.
        const link = (cursorKey: 'after' | 'before', cursor: string) => {
          const params = new URLSearchParams();
          const token = accessTokenOf(req);
          if (token !== undefined) params.set('access_token', token);
          for (const key of ['fields', 'name', 'status', 'limit', 'appsecret_proof']) {
            const v = queryField(req, key);
            if (v !== undefined) params.set(key, v);
          }
          params.set(cursorKey, cursor);
          return `${ctx.baseUrl()}${pathOf(req)}?${params.toString()}`;
        };
        const query: Parameters<typeof ctx.templates.page>[1] = {};
        if (limit !== undefined && /^\d+$/.test(limit)) query.limit = Number(limit);
        for (const key of ['after', 'before', 'name', 'status'] as const) {
          const v = queryField(req, key);
          if (v !== undefined) query[key] = v;
        }
        const page = ctx.templates.page(
          wabaId,
          query,
          (after) => link('after', after),
          (before) => link('before', before),
        );
        return { body: page };
      },
    }),
  );

  app.post(
    '/:ver/:id/message_templates',
    graphHandler(ctx, {
      channel: 'whatsapp',
      run(req) {
        const token = authenticate(ctx, req);
        const wabaId = waba(req, token, 'post');
        const template = ctx.templates.create(wabaId, req.body);
        return { body: { id: template.id, status: template.status, category: template.category } };
      },
    }),
  );
}
