import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TokenRecord } from './account-types.ts';
import { accessTokenOf, authenticate } from './auth.ts';
import { faultError } from './faults.ts';
import { errorResult, graphHandler } from './graph-call.ts';
import { GraphError } from './graph-error.ts';
import type { MediaItem } from './media.ts';
import { unsupportedRequest } from './meta-errors.ts';
import { param, pathOf, queryField } from './request-fields.ts';
import type { SimContext } from './sim-context.ts';
import { pickFields } from './token.routes.ts';

/**
 * Graph objects by id (media, phone numbers, WABAs, Pages), media downloads, and
 * subscribed_apps. An id the token cannot see answers 100/33 like an unknown one (fixture 100_33).
 */
export function registerObjectRoutes(app: FastifyInstance, ctx: SimContext): void {
  const { accounts, media } = ctx;

  const canSee = (token: TokenRecord, id: string) => token.grants.has(id);

  app.get(
    '/:ver/:id',
    graphHandler(ctx, {
      channel: (req) => (media.get(param(req, 'id')) ? 'whatsapp' : 'graph'),
      run(req) {
        const token = authenticate(ctx, req);
        const id = param(req, 'id');
        const fields = queryField(req, 'fields');
        const item = media.get(id);
        if (item) {
          const owner = item.phoneNumberId;
          const asked = queryField(req, 'phone_number_id');
          if (
            (owner !== undefined && !canSee(token, owner)) ||
            (asked !== undefined && owner !== undefined && asked !== owner)
          ) {
            throw unsupportedRequest('get', id);
          }
          // fixture whatsapp_media_url: file_size is a number; the URL needs the same Bearer token.
          return {
            body: {
              url: `${ctx.baseUrl()}/_media/${encodeURIComponent(id)}?${media.signedQuery(id, ctx.clock.now())}`,
              mime_type: item.mimeType,
              sha256: item.sha256,
              file_size: item.fileSize,
              id: item.id,
              messaging_product: 'whatsapp',
            },
          };
        }
        const number = accounts.whatsappNumber(id);
        if (number && canSee(token, id)) {
          const all = {
            verified_name: number.verifiedName,
            code_verification_status: 'VERIFIED',
            display_phone_number: number.displayPhoneNumber,
            quality_rating: 'GREEN',
            platform_type: 'CLOUD_API',
            throughput: { level: 'STANDARD' },
            id: number.phoneNumberId,
          };
          return { body: pickFields(all, fields, Object.keys(all)) };
        }
        if (accounts.isWaba(id) && canSee(token, id)) {
          const all = {
            id,
            name: 'OmniStream Test WABA',
            currency: 'USD',
            timezone_id: '1',
            message_template_namespace: `ns_${id}`,
          };
          return { body: pickFields(all, fields, Object.keys(all)) };
        }
        const page = accounts.page(id);
        if (page && canSee(token, id)) return { body: pickFields({ name: page.name, id }, fields, ['name']) };
        throw unsupportedRequest('get', id);
      },
    }),
  );

  app.delete(
    '/:ver/:id',
    graphHandler(ctx, {
      channel: 'whatsapp',
      run(req) {
        const token = authenticate(ctx, req);
        const id = param(req, 'id');
        const item = media.get(id);
        if (!item || (item.phoneNumberId !== undefined && !canSee(token, item.phoneNumberId))) {
          throw unsupportedRequest('delete', id);
        }
        media.delete(id);
        return { body: { success: true } };
      },
    }),
  );

  // lookaside.fbsbx.com stand-in: the same Bearer token as the Graph call, valid 5 minutes.
  // Fault rules apply (channel `graph`, path `/_media/<id>`): `{ match: { pathPattern: '/_media/*' },
  // action: { type: 'error', status: 429, code: 4, retryAfter: 30 } }` throttles downloads.
  app.get('/_media/:id', async (req, reply) => {
    const id = param(req, 'id');
    const item = media.get(id);
    const fault = downloadFault(ctx, req, item?.phoneNumberId);
    if (fault) return fault(reply);
    const check = item
      ? media.checkUrl(id, queryField(req, 'ext'), queryField(req, 'hash'), ctx.clock.now())
      : 'invalid';
    if (!item || check !== 'ok')
      return reply
        .code(404)
        .type('text/plain')
        .send(check === 'expired' ? 'URL expired' : 'Not Found');
    const token = accessTokenOf(req);
    let record: TokenRecord | undefined;
    try {
      record = accounts.authenticate(token);
    } catch (err) {
      if (!(err instanceof GraphError)) throw err;
      return reply
        .code(401)
        .headers(err.headers ?? {})
        .send(err.body());
    }
    if (item.phoneNumberId !== undefined && !canSee(record, item.phoneNumberId)) {
      return reply.code(403).type('text/plain').send('Forbidden');
    }
    // POST /_sim/media/:id/redirect: an SSRF probe for clients that follow redirects.
    if (item.redirect !== undefined) return reply.code(302).header('location', item.redirect).send();
    return sendMedia(reply, item);
  });

  // scontent.xx.fbcdn.net stand-in for Messenger / Instagram attachments (cdn.ts): no token, a
  // signed URL; past `oe` the CDN answers 403 "URL signature expired" as text/plain.
  app.get('/_cdn/:id', async (req, reply) => {
    const id = param(req, 'id');
    const item = ctx.cdn.has(id) ? media.get(id) : undefined;
    const fault = downloadFault(ctx, req, undefined);
    if (fault) return fault(reply);
    if (!item) return reply.code(404).type('text/plain').send('Not Found');
    const check = ctx.cdn.check(id, queryField(req, 'oe'), queryField(req, 'oh'));
    if (check === 'expired') return reply.code(403).type('text/plain').send('URL signature expired');
    if (check === 'invalid') return reply.code(403).type('text/plain').send('URL signature mismatch');
    if (item.redirect !== undefined) return reply.code(302).header('location', item.redirect).send();
    return sendMedia(reply, item);
  });

  function sendMedia(reply: FastifyReply, item: MediaItem): FastifyReply {
    reply.code(200).type(item.mimeType).header('content-length', String(item.fileSize));
    // Synthetic media is generated while it streams: a 100 MB document costs no memory here.
    return reply.send(item.data ?? media.stream(item));
  }

  const subscribe = graphHandler(ctx, {
    channel: 'graph',
    run(req) {
      const token = authenticate(ctx, req);
      const id = param(req, 'id');
      if (!(accounts.page(id) || accounts.isWaba(id)) || !canSee(token, id))
        throw unsupportedRequest('post', id);
      const fields = (
        queryField(req, 'subscribed_fields') ??
        (req.body as { subscribed_fields?: string } | undefined)?.subscribed_fields ??
        ''
      )
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean);
      ctx.business.subscribe(id, fields);
      return { body: { success: true } };
    },
  });
  app.post('/:ver/:id/subscribed_apps', subscribe);

  app.get(
    '/:ver/:id/subscribed_apps',
    graphHandler(ctx, {
      channel: 'graph',
      run(req) {
        const token = authenticate(ctx, req);
        const id = param(req, 'id');
        if (!(accounts.page(id) || accounts.isWaba(id)) || !canSee(token, id))
          throw unsupportedRequest('get', id);
        const fields = ctx.business.subscriptions(id);
        // fixture page_subscribed_apps_get
        const data = fields
          ? [
              {
                category: 'Business',
                link: `${ctx.baseUrl()}/`,
                name: ctx.app.name,
                id: ctx.app.id,
                subscribed_fields: fields,
              },
            ]
          : [];
        return { body: { data } };
      },
    }),
  );

  app.post(
    '/instagram/:ver/me/subscribed_apps',
    graphHandler(ctx, {
      channel: 'instagram',
      run(req) {
        const token = authenticate(ctx, req, { appSecret: ctx.app.instagramAppSecret });
        const igUserId = accounts.accountForToken(token, 'instagram');
        if (!igUserId) throw unsupportedRequest('post', 'me');
        const fields = (queryField(req, 'subscribed_fields') ?? '').split(',').filter(Boolean);
        ctx.business.subscribe(igUserId, fields);
        return { body: { success: true } };
      },
    }),
  );
}

/** A fault rule's error answer for a media / CDN download, when one matches (graph-call.ts semantics). */
function downloadFault(
  ctx: SimContext,
  req: FastifyRequest,
  accountId: string | undefined,
): ((reply: FastifyReply) => FastifyReply) | undefined {
  if (!ctx.faults.active) return undefined;
  const decision = ctx.faults.decide({
    method: req.method,
    path: pathOf(req),
    channel: 'graph',
    accountId,
    to: undefined,
  });
  const action = decision.action;
  if (action?.type !== 'error') return undefined;
  const result = errorResult(faultError(action));
  return (reply) =>
    reply
      .code(result.status ?? 400)
      .headers(result.headers ?? {})
      .send(result.body);
}
