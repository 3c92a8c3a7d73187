import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { TokenRecord } from './account-types.ts';
import { invalidAppSecretProof, missingAppSecretProof } from './meta-errors.ts';
import { bodyField, queryField } from './request-fields.ts';
import type { SimContext } from './sim-context.ts';

/**
 * The access token as Graph accepts it: `Authorization: Bearer …` (or `OAuth …`), else the
 * `access_token` query parameter, else an `access_token` body field.
 */
export function accessTokenOf(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const space = header.indexOf(' ');
    if (space > 0) {
      const scheme = header.slice(0, space).toLowerCase();
      if (scheme === 'bearer' || scheme === 'oauth') return header.slice(space + 1).trim();
    }
  }
  return queryField(req, 'access_token') ?? bodyField(req, 'access_token');
}

/** hex HMAC-SHA256 of the token keyed by the app secret (Graph "Securing requests"). */
export function appSecretProof(token: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(token).digest('hex');
}

/**
 * The calling token, checked like Graph does: unknown → 190, revoked/expired → 190/463 or 460;
 * then `appsecret_proof` when the app requires it (or the endpoint always does).
 */
export function authenticate(
  ctx: SimContext,
  req: FastifyRequest,
  options: { requireProof?: boolean; appSecret?: string } = {},
): TokenRecord {
  const token = accessTokenOf(req);
  const record = ctx.accounts.authenticate(token);
  if (options.requireProof || ctx.settings.requireAppSecretProof) {
    const proof = queryField(req, 'appsecret_proof') ?? bodyField(req, 'appsecret_proof');
    if (proof === undefined) throw missingAppSecretProof();
    const expected = Buffer.from(appSecretProof(record.token, options.appSecret ?? ctx.app.secret));
    const given = Buffer.from(proof.toLowerCase());
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalidAppSecretProof();
  }
  return record;
}
