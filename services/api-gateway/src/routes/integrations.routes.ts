import type { GraphClient } from '@omnistream/graph';
import {
  accountIdOf,
  type Integration,
  IntegrationConflictError,
  type IntegrationsRepository,
  type TokenProvider,
} from '@omnistream/integrations';
import type { Redactor } from '@omnistream/logger';
import { AppError } from '@omnistream/service-kit';
import { z } from 'zod';
import { aChannel } from '../a-channel.ts';
import type { AdminApp } from '../admin-app.ts';
import { graphFailure } from '../graph-failure.ts';
import {
  CheckedIntegrationView,
  CreateIntegrationBody,
  checkedView,
  IntegrationIdParams,
  IntegrationView,
  integrationView,
  ListIntegrationsQuery,
  newIntegration,
  PatchIntegrationBody,
  RotateTokenBody,
  TOKEN_TYPES,
} from '../integrations/integration-schemas.ts';
import { rotateCheckedToken } from '../integrations/token-rotation.ts';
import { createTokenVerifier } from '../integrations/token-verifier.ts';

export interface IntegrationsRouteDeps {
  integrations: IntegrationsRepository;
  graph: Pick<GraphClient, 'checkToken' | 'subscribeWabaApp'>;
  /** Tokens received here are registered at once, before the token poll would. */
  redactor?: Redactor | undefined;
  /** Reloaded after a write, so this gateway's own Graph calls use the new token at once. */
  tokenProvider?: Pick<TokenProvider, 'refresh'> | undefined;
}

const TAGS = ['integrations'];

const notFound = () => new AppError('GW_NOT_FOUND', 'no such integration', { status: 404 });

const invalid = (path: string, message: string) =>
  new AppError('GW_VALIDATION', `invalid request: ${path}: ${message}`, {
    status: 400,
    details: { issues: [{ path, message }] },
  });

/** The partial unique index allows one active integration per channel and account. */
async function orConflict<T>(write: Promise<T>, what: Pick<Integration, 'channel'> & { accountId: string }) {
  try {
    return await write;
  } catch (err) {
    if (!(err instanceof IntegrationConflictError)) throw err;
    throw new AppError(
      'GW_CONFLICT',
      `an active ${what.channel} integration for account ${what.accountId} already exists; disable it first or rotate its token`,
      { status: 409, cause: err },
    );
  }
}

/**
 * Channel integrations (seed 002: BM, WABA and token in, Pending → Connected). Integrations are
 * disabled, never deleted: templates and sent messages keep referring to them, and a disabled row
 * frees its account for a new integration.
 */
export function registerIntegrationRoutes(app: AdminApp, deps: IntegrationsRouteDeps): void {
  const { integrations } = deps;
  const verifier = createTokenVerifier({ integrations, graph: deps.graph });
  // Other services see the change at their next poll; a failed reload keeps the poll's schedule.
  const reloadTokens = async (): Promise<void> => {
    await deps.tokenProvider?.refresh();
  };

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
    async (request, reply) => {
      const body = request.body;
      deps.redactor?.addSecret(body.token);
      const { input, accountId } = newIntegration(body);
      const created = await orConflict(integrations.create(input), { channel: body.channel, accountId });
      request.log.info(
        { integrationId: created.id, channel: created.channel, by: request.adminKey?.id },
        'integration created',
      );
      const result = await verifier.verify(created, body.token, request.log);
      await reloadTokens();
      return reply.status(201).send(checkedView(result));
    },
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
      try {
        const page = await integrations.list(request.query);
        return { items: page.items.map(integrationView), nextCursor: page.nextCursor };
      } catch (err) {
        if (err instanceof RangeError)
          throw invalid('querystring.cursor', 'is not a cursor this API returned');
        throw err;
      }
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
    async (request) => {
      const found = await integrations.get(request.params.id);
      if (!found) throw notFound();
      return integrationView(found);
    },
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
    async (request) => {
      const current = await integrations.get(request.params.id);
      if (!current) throw notFound();
      const patch = request.body;
      if (patch.wabaId !== undefined && current.channel !== 'whatsapp') {
        throw invalid(
          'body.wabaId',
          `only WhatsApp integrations have a WABA; this one is ${current.channel}`,
        );
      }
      if (patch.businessManagerId === null && current.channel === 'whatsapp') {
        throw invalid('body.businessManagerId', 'a WhatsApp integration keeps its Business Manager id');
      }
      const updated = await orConflict(integrations.update(current.id, patch), {
        channel: current.channel,
        accountId: accountIdOf(current),
      });
      if (!updated) throw notFound();
      if (patch.status !== undefined) await reloadTokens();
      request.log.info(
        { integrationId: updated.id, fields: Object.keys(patch), by: request.adminKey?.id },
        'integration updated',
      );
      return integrationView(updated);
    },
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
    async (request) => {
      const updated = await integrations.update(request.params.id, { status: 'disabled' });
      if (!updated) throw notFound();
      await reloadTokens();
      request.log.info({ integrationId: updated.id, by: request.adminKey?.id }, 'integration disabled');
      return integrationView(updated);
    },
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
    async (request) => {
      const found = await integrations.getWithToken(request.params.id);
      if (!found) throw notFound();
      const result = await verifier.verify(found.integration, found.token, request.log);
      if (!result.checked) {
        throw graphFailure(result.cause, 'check the token', {
          outcome: `The integration stays ${result.integration.connectionStatus}; try again later.`,
        });
      }
      return integrationView(result.integration);
    },
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
      deps.redactor?.addSecret(body.token);
      const current = await integrations.get(request.params.id);
      if (!current) throw notFound();
      const allowed: readonly string[] = TOKEN_TYPES[current.channel];
      if (body.tokenType !== undefined && !allowed.includes(body.tokenType)) {
        throw invalid(
          'body.tokenType',
          `${aChannel(current.channel)} integration takes ${allowed.join(' or ')} tokens`,
        );
      }
      const result = await rotateCheckedToken(
        { integrations, verifier },
        current,
        {
          token: body.token,
          tokenType: body.tokenType,
          tokenExpiresAt: body.tokenExpiresAt ? new Date(body.tokenExpiresAt) : null,
          force: request.query.force,
        },
        request.log.child({ by: request.adminKey?.id }),
      );
      if (!result) throw notFound();
      await reloadTokens();
      return checkedView(result);
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
    async (request) => {
      const { reencrypted } = await integrations.reencryptAll();
      request.log.info({ reencrypted, by: request.adminKey?.id }, 'integration tokens re-encrypted');
      return { reencrypted };
    },
  );
}
