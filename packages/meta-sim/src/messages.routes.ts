import type { FastifyInstance, FastifyRequest } from 'fastify';
import { accessTokenOf, authenticate } from './auth.ts';
import { graphHandler } from './graph-call.ts';
import { messagingSend } from './messaging-send.ts';
import { unsupportedRequest } from './meta-errors.ts';
import { param } from './request-fields.ts';
import type { SimContext } from './sim-context.ts';
import { whatsappSend } from './whatsapp-send.ts';

/** Recipient of a send, for fault matching: WhatsApp `to`, Messenger/Instagram `recipient.id`. */
function recipientOf(req: FastifyRequest): string | undefined {
  const body = req.body as { to?: unknown; recipient?: { id?: unknown } } | undefined;
  if (!body || typeof body !== 'object') return undefined;
  if (typeof body.to === 'string') return body.to.replace(/[\s+\-().]/g, '');
  const id = body.recipient?.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

/** The send endpoints of the three channels. */
export function registerMessageRoutes(app: FastifyInstance, ctx: SimContext): void {
  const { accounts } = ctx;

  // One path shape serves WhatsApp phone numbers and Messenger Pages: the id decides.
  app.post(
    '/:ver/:id/messages',
    graphHandler(ctx, {
      channel: (req) => {
        const id = param(req, 'id');
        if (accounts.whatsappNumber(id)) return 'whatsapp';
        return accounts.page(id) ? 'messenger' : 'graph';
      },
      to: recipientOf,
      run(req) {
        const token = authenticate(ctx, req);
        const id = param(req, 'id');
        const number = accounts.whatsappNumber(id);
        if (number && token.grants.has(id)) return whatsappSend(ctx, number, token, req.body);
        if (accounts.page(id) && token.grants.has(id))
          return messagingSend(ctx, 'messenger', id, token, req.body);
        throw unsupportedRequest('post', id);
      },
    }),
  );

  app.post(
    '/:ver/me/messages',
    graphHandler(ctx, {
      channel: 'messenger',
      accountId: (req) => tokenAccount(ctx, req, 'page'),
      to: recipientOf,
      run(req) {
        const token = authenticate(ctx, req);
        const pageId = accounts.accountForToken(token, 'page');
        if (!pageId) throw unsupportedRequest('post', 'me');
        return messagingSend(ctx, 'messenger', pageId, token, req.body);
      },
    }),
  );

  app.post(
    '/instagram/:ver/:id/messages',
    graphHandler(ctx, {
      channel: 'instagram',
      to: recipientOf,
      run(req) {
        const token = authenticate(ctx, req, { appSecret: ctx.app.instagramAppSecret });
        const id = param(req, 'id');
        if (!accounts.instagramAccount(id) || !token.grants.has(id)) throw unsupportedRequest('post', id);
        return messagingSend(ctx, 'instagram', id, token, req.body);
      },
    }),
  );

  app.post(
    '/instagram/:ver/me/messages',
    graphHandler(ctx, {
      channel: 'instagram',
      accountId: (req) => tokenAccount(ctx, req, 'instagram'),
      to: recipientOf,
      run(req) {
        const token = authenticate(ctx, req, { appSecret: ctx.app.instagramAppSecret });
        const igUserId = accounts.accountForToken(token, 'instagram');
        if (!igUserId) throw unsupportedRequest('post', 'me');
        return messagingSend(ctx, 'instagram', igUserId, token, req.body);
      },
    }),
  );
}

function tokenAccount(ctx: SimContext, req: FastifyRequest, kind: 'page' | 'instagram'): string | undefined {
  const token = accessTokenOf(req);
  const record = token === undefined ? undefined : ctx.accounts.token(token);
  return record ? ctx.accounts.accountForToken(record, kind) : undefined;
}
