import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate } from './auth.ts';
import { graphHandler } from './graph-call.ts';
import {
  invalidAppId,
  invalidClientSecret,
  invalidParam,
  requiredParam,
  unsupportedRequest,
} from './meta-errors.ts';
import { field, queryField } from './request-fields.ts';
import type { SimContext } from './sim-context.ts';
import { pickFields } from './token.routes.ts';

/**
 * Facebook Login (code → user token → long-lived) and Instagram Login (code → short-lived →
 * long-lived → refresh). Shapes: fixtures facebook_code_exchange, facebook_long_lived_exchange,
 * instagram_short_lived_token_observed, instagram_long_lived_token, instagram_refresh_token.
 */
export function registerOAuthRoutes(app: FastifyInstance, ctx: SimContext): void {
  const { accounts, oauth } = ctx;

  function checkClient(req: FastifyRequest, appId: string, secret: string): void {
    const clientId = field(req, 'client_id');
    if (clientId === undefined) throw requiredParam('client_id');
    if (clientId !== appId) throw invalidAppId(clientId);
    if (field(req, 'client_secret') !== secret) throw invalidClientSecret();
  }

  app.get(
    '/:ver/oauth/access_token',
    graphHandler(ctx, {
      channel: 'graph',
      run(req) {
        const grantType = field(req, 'grant_type');
        checkClient(req, ctx.app.id, ctx.app.secret);
        if (grantType === 'client_credentials') {
          return { body: { access_token: `${ctx.app.id}|${ctx.app.secret}`, token_type: 'bearer' } };
        }
        if (grantType === 'fb_exchange_token') {
          const short = field(req, 'fb_exchange_token');
          if (short === undefined) throw requiredParam('fb_exchange_token');
          const record = accounts.authenticate(short);
          const expiresIn = 5_183_999;
          const long = accounts.addToken({
            token: ctx.ids.token('EAAG'),
            type: record.type,
            accounts: [...record.grants],
            scopes: record.scopes,
            userId: record.userId,
            userName: record.userName,
            expiresAt: ctx.clock.now() + expiresIn * 1000,
          });
          return { body: { access_token: long.token, token_type: 'bearer', expires_in: expiresIn } };
        }
        if (grantType !== undefined && grantType !== 'authorization_code') {
          throw invalidParam(`Unsupported grant_type: ${grantType}`);
        }
        const code = oauth.redeem(field(req, 'code'), 'facebook', field(req, 'redirect_uri'));
        const expiresIn = 5_183_944;
        const token = accounts.addToken({
          token: ctx.ids.token('EAAG'),
          type: 'USER',
          accounts: code.accounts,
          scopes: code.scopes,
          userId: code.userId,
          userName: code.userName,
          expiresAt: ctx.clock.now() + expiresIn * 1000,
        });
        return { body: { access_token: token.token, token_type: 'bearer', expires_in: expiresIn } };
      },
    }),
  );

  // api.instagram.com/oauth/access_token (form-encoded POST).
  app.post(
    '/instagram/oauth/access_token',
    graphHandler(ctx, {
      channel: 'instagram',
      run(req) {
        checkClient(req, ctx.app.instagramAppId, ctx.app.instagramAppSecret);
        const grantType = field(req, 'grant_type');
        if (grantType !== 'authorization_code') {
          throw invalidParam(`Invalid grant_type: ${grantType ?? '(missing)'}`, 'instagram');
        }
        const code = oauth.redeem(field(req, 'code'), 'instagram', field(req, 'redirect_uri'));
        const token = accounts.addToken({
          token: ctx.ids.token('IGAA'),
          type: 'INSTAGRAM',
          accounts: code.accounts,
          scopes: code.scopes,
          userId: code.userId,
          userName: code.userName,
          // Short-lived Instagram tokens last one hour.
          expiresAt: ctx.clock.now() + 3_600_000,
        });
        // Live responses are flat with `user_id` as a JSON NUMBER above 2^53 (fixture
        // instagram_short_lived_token_observed): written by hand so the digits survive exactly;
        // JSON.parse on the client loses precision.
        const userId = /^\d+$/.test(code.userId) ? code.userId : JSON.stringify(code.userId);
        const raw = `{"access_token":${JSON.stringify(token.token)},"user_id":${userId},"permissions":${JSON.stringify(code.scopes)}}`;
        return { raw };
      },
    }),
  );

  // graph.instagram.com/access_token: short-lived → long-lived (60 days).
  app.get(
    '/instagram/access_token',
    graphHandler(ctx, {
      channel: 'instagram',
      run(req) {
        if (queryField(req, 'grant_type') !== 'ig_exchange_token') {
          throw invalidParam('grant_type must be ig_exchange_token', 'instagram');
        }
        if (queryField(req, 'client_secret') !== ctx.app.instagramAppSecret) throw invalidClientSecret();
        return exchangeInstagram(ctx, req, 5_183_944);
      },
    }),
  );

  // graph.instagram.com/refresh_access_token. Meta only refreshes tokens at least 24 h old; not
  // enforced here so demos can refresh right away.
  app.get(
    '/instagram/refresh_access_token',
    graphHandler(ctx, {
      channel: 'instagram',
      run(req) {
        if (queryField(req, 'grant_type') !== 'ig_refresh_token') {
          throw invalidParam('grant_type must be ig_refresh_token', 'instagram');
        }
        return exchangeInstagram(ctx, req, 5_184_000);
      },
    }),
  );

  app.get(
    '/instagram/:ver/me',
    graphHandler(ctx, {
      channel: 'instagram',
      run(req) {
        const token = authenticate(ctx, req, { appSecret: ctx.app.instagramAppSecret });
        const igUserId = accounts.accountForToken(token, 'instagram');
        const account = igUserId === undefined ? undefined : accounts.instagramAccount(igUserId);
        if (!account) throw unsupportedRequest('get', 'me');
        // fixture me_instagram: `user_id` is the professional account id used in webhooks,
        // `id` the app-scoped id.
        const all = {
          user_id: account.igUserId,
          username: account.username,
          name: account.name,
          account_type: 'BUSINESS',
          profile_picture_url: `https://scontent.cdninstagram.com/v/t51.2885-19/${account.igUserId}_n.jpg`,
          id: account.appScopedId,
        };
        return { body: pickFields(all, queryField(req, 'fields'), ['user_id', 'username']) };
      },
    }),
  );
}

function exchangeInstagram(ctx: SimContext, req: FastifyRequest, expiresIn: number) {
  // The token to exchange travels as `access_token`; no appsecret_proof on these endpoints.
  const record = ctx.accounts.authenticate(queryField(req, 'access_token'));
  const long = ctx.accounts.addToken({
    token: ctx.ids.token('IGAA'),
    type: 'INSTAGRAM',
    accounts: [...record.grants],
    scopes: record.scopes,
    userId: record.userId,
    userName: record.userName,
    expiresAt: ctx.clock.now() + expiresIn * 1000,
  });
  return { body: { access_token: long.token, token_type: 'bearer', expires_in: expiresIn } };
}
