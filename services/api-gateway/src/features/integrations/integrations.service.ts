import type { GraphClient } from '@omnistream/graph';
import {
  accountIdOf,
  type Integration,
  IntegrationConflictError,
  type IntegrationsRepository,
  type ListIntegrationsQuery,
  type TokenProvider,
  type TokenType,
} from '@omnistream/integrations';
import type { Redactor } from '@omnistream/logger';
import { AppError, InvalidCursorError } from '@omnistream/service-kit';
import { aChannel } from '../../shared/a-channel.ts';
import { graphFailure } from '../../shared/graph-failure.ts';
import {
  type CreateIntegrationBody,
  newIntegration,
  type PatchIntegrationBody,
  TOKEN_TYPES,
} from './integration-schemas.ts';
import { rotateCheckedToken } from './token-rotation.ts';
import { createTokenVerifier, type Verification, type VerifierLog } from './token-verifier.ts';

export interface IntegrationsServiceDeps {
  integrations: IntegrationsRepository;
  graph: Pick<GraphClient, 'checkToken' | 'subscribeWabaApp'>;
  /** Tokens received here are registered at once, before the token poll would. */
  redactor?: Redactor | undefined;
  /** Reloaded after a write, so this gateway's own Graph calls use the new token at once. */
  tokenProvider?: Pick<TokenProvider, 'refresh'> | undefined;
}

/** Who asks, for the log: the request's logger and the admin key's id. */
export interface Actor {
  log: VerifierLog & { child(bindings: Record<string, unknown>): VerifierLog };
  by?: string | undefined;
}

export interface TokenRotation {
  token: string;
  tokenType?: TokenType | undefined;
  tokenExpiresAt: Date | null;
  force: boolean;
}

/** What the /admin/integrations routes call; every failure is an AppError with its status. */
export interface IntegrationsService {
  /** Create → check the token with Meta → reload this gateway's tokens. */
  create(body: CreateIntegrationBody, actor: Actor): Promise<Verification>;
  list(query: ListIntegrationsQuery): Promise<{ items: Integration[]; nextCursor: string | null }>;
  get(id: string): Promise<Integration>;
  update(id: string, patch: PatchIntegrationBody, actor: Actor): Promise<Integration>;
  disable(id: string, actor: Actor): Promise<Integration>;
  /** Checks the current token now; Meta unreachable is its 502/503/504 and nothing recorded. */
  verify(id: string, actor: Actor): Promise<Integration>;
  rotateToken(id: string, rotation: TokenRotation, actor: Actor): Promise<Verification>;
  reencryptAll(actor: Actor): Promise<{ reencrypted: number }>;
}

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
 * Channel integrations (docs/meta-platform.md, "Business setup facts": BM, WABA and token in, Pending → Connected). Integrations are
 * disabled, never deleted: templates and sent messages keep referring to them, and a disabled row
 * frees its account for a new integration.
 */
export function createIntegrationsService(deps: IntegrationsServiceDeps): IntegrationsService {
  const { integrations } = deps;
  const verifier = createTokenVerifier({ integrations, graph: deps.graph });
  // Other services see the change at their next poll; a failed reload keeps the poll's schedule.
  const reloadTokens = async (): Promise<void> => {
    await deps.tokenProvider?.refresh();
  };
  const getOrThrow = async (id: string) => {
    const found = await integrations.get(id);
    if (!found) throw notFound();
    return found;
  };

  return {
    async create(body, actor) {
      deps.redactor?.addSecret(body.token);
      const { input, accountId } = newIntegration(body);
      const created = await orConflict(integrations.create(input), { channel: body.channel, accountId });
      actor.log.info(
        { integrationId: created.id, channel: created.channel, by: actor.by },
        'integration created',
      );
      const result = await verifier.verify(created, body.token, actor.log);
      await reloadTokens();
      return result;
    },

    async list(query) {
      try {
        return await integrations.list(query);
      } catch (err) {
        if (err instanceof InvalidCursorError)
          throw invalid('querystring.cursor', 'is not a cursor this API returned');
        throw err;
      }
    },

    get: getOrThrow,

    async update(id, patch, actor) {
      const current = await getOrThrow(id);
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
      actor.log.info(
        { integrationId: updated.id, fields: Object.keys(patch), by: actor.by },
        'integration updated',
      );
      return updated;
    },

    async disable(id, actor) {
      const updated = await integrations.update(id, { status: 'disabled' });
      if (!updated) throw notFound();
      await reloadTokens();
      actor.log.info({ integrationId: updated.id, by: actor.by }, 'integration disabled');
      return updated;
    },

    async verify(id, actor) {
      const found = await integrations.getWithToken(id);
      if (!found) throw notFound();
      const result = await verifier.verify(found.integration, found.token, actor.log);
      if (!result.checked) {
        throw graphFailure(result.cause, 'check the token', {
          outcome: `The integration stays ${result.integration.connectionStatus}; try again later.`,
        });
      }
      return result.integration;
    },

    async rotateToken(id, rotation, actor) {
      deps.redactor?.addSecret(rotation.token);
      const current = await getOrThrow(id);
      const allowed: readonly string[] = TOKEN_TYPES[current.channel];
      if (rotation.tokenType !== undefined && !allowed.includes(rotation.tokenType)) {
        throw invalid(
          'body.tokenType',
          `${aChannel(current.channel)} integration takes ${allowed.join(' or ')} tokens`,
        );
      }
      const result = await rotateCheckedToken(
        { integrations, verifier },
        current,
        rotation,
        actor.log.child({ by: actor.by }),
      );
      if (!result) throw notFound();
      await reloadTokens();
      return result;
    },

    async reencryptAll(actor) {
      const { reencrypted } = await integrations.reencryptAll();
      actor.log.info({ reencrypted, by: actor.by }, 'integration tokens re-encrypted');
      return { reencrypted };
    },
  };
}
