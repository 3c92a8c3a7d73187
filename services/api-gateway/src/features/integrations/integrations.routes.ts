import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AdminApp } from '../../shared/admin-app.ts';
import {
  CheckedIntegrationView,
  CreateIntegrationBody,
  checkedView,
  IntegrationIdParams,
  IntegrationView,
  integrationView,
  ListIntegrationsQuery,
  PatchIntegrationBody,
  RotateTokenBody,
} from './integration-schemas.ts';
import type { Actor, IntegrationsService } from './integrations.service.ts';

export interface IntegrationsRouteDeps {
  service: IntegrationsService;
}

const TAGS = ['integrations'];

const actor = (request: FastifyRequest): Actor => ({ log: request.log, by: request.adminKey?.id });

/** Channel integrations: each route parses, calls the service (integrations.service.ts), answers. */
export function registerIntegrationRoutes(app: AdminApp, deps: IntegrationsRouteDeps): void {
  const { service } = deps;

  app.post(
    '/integrations',
    {
      schema: {
        tags: TAGS,
        summary:
          'Connect a WhatsApp number, Messenger Page or Instagram account and check its token with Meta',
        description:
          'The token is stored encrypted and never shown again. It is checked with Meta at once: ' +
          '`connectionStatus` becomes `connected`, or `error` with Meta’s message in `connectionError`. ' +
          'When Meta cannot be reached the integration stays `pending` and `verificationDeferred` says why. ' +
          '409 when an active integration already exists for the same account.',
        body: CreateIntegrationBody,
        response: { 201: CheckedIntegrationView },
      },
    },
    async (request, reply) =>
      reply.status(201).send(checkedView(await service.create(request.body, actor(request)))),
  );

  app.get(
    '/integrations',
    {
      schema: {
        tags: TAGS,
        summary: 'List integrations, oldest first, a page at a time (pass nextCursor back as cursor)',
        querystring: ListIntegrationsQuery,
        response: {
          200: z.object({ items: z.array(IntegrationView), nextCursor: z.string().nullable() }),
        },
      },
    },
    async (request) => {
      const page = await service.list(request.query);
      return { items: page.items.map(integrationView), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/integrations/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Get one integration (never its token)',
        params: IntegrationIdParams,
        response: { 200: IntegrationView },
      },
    },
    async (request) => integrationView(await service.get(request.params.id)),
  );

  app.patch(
    '/integrations/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Rename an integration, set its WABA or Business Manager, or enable / disable it',
        params: IntegrationIdParams,
        body: PatchIntegrationBody,
        response: { 200: IntegrationView },
      },
    },
    async (request) => integrationView(await service.update(request.params.id, request.body, actor(request))),
  );

  // POST rather than DELETE: the row stays (GET still shows it, history keeps referring to it).
  app.post(
    '/integrations/:id/disable',
    {
      schema: {
        tags: TAGS,
        summary:
          'Disable an integration: nothing is sent with it any more, and its account can be connected again. ' +
          'The integration is kept; PATCH status=active enables it again',
        params: IntegrationIdParams,
        response: { 200: IntegrationView },
      },
    },
    async (request) => integrationView(await service.disable(request.params.id, actor(request))),
  );

  app.post(
    '/integrations/:id/verify',
    {
      schema: {
        tags: TAGS,
        summary: 'Check the integration’s token with Meta now and record the result',
        description:
          '200 with `connectionStatus` `connected`, or `error` and Meta’s message in `connectionError`. ' +
          '503 (with Retry-After when Meta gives one) when Meta throttles or is unavailable, 502 when it ' +
          'cannot be reached, 504 when it does not answer in time: the connection status is then left as it was.',
        params: IntegrationIdParams,
        response: { 200: IntegrationView },
      },
    },
    async (request) => integrationView(await service.verify(request.params.id, actor(request))),
  );

  app.put(
    '/integrations/:id/token',
    {
      schema: {
        tags: TAGS,
        summary: 'Rotate the integration’s token; every service uses the new one without a restart',
        description:
          'The new token is checked with Meta first, and replaces the current one only when Meta accepts it: ' +
          '400 `GW_TOKEN_REJECTED` with Meta’s reason when Meta refuses it; 502/503/504 when Meta cannot be ' +
          'asked now. Either way nothing changes and the current token stays in use; with `force=true` a ' +
          'token Meta cannot check now is stored anyway (`verificationDeferred`). It is stored encrypted ' +
          'under the current key; senders pick it up at their next integrations poll.',
        params: IntegrationIdParams,
        querystring: z.strictObject({
          force: z.stringbool().default(false).describe('store the token even when Meta cannot check it now'),
        }),
        body: RotateTokenBody,
        response: { 200: CheckedIntegrationView },
      },
    },
    async (request) => {
      const body = request.body;
      const rotation = {
        token: body.token,
        tokenType: body.tokenType,
        tokenExpiresAt: body.tokenExpiresAt ? new Date(body.tokenExpiresAt) : null,
        force: request.query.force,
      };
      return checkedView(await service.rotateToken(request.params.id, rotation, actor(request)));
    },
  );

  app.post(
    '/keys/reencrypt',
    {
      schema: {
        tags: TAGS,
        summary:
          'Re-encrypt every integration token under the current encryption key (the first of TOKEN_ENCRYPTION_KEYS)',
        description:
          'Run after putting a new key first; once it answers `{reencrypted: 0}` the old key can be removed.',
        response: { 200: z.object({ reencrypted: z.number().int().nonnegative() }) },
      },
    },
    async (request) => service.reencryptAll(actor(request)),
  );
}
