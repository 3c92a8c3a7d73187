import { z } from 'zod';
import { GraphError } from './errors.ts';
import { PathIdSchema, TokenSchema, validate } from './input-primitives.ts';
import { collectPages } from './paging.ts';
import { type JsonObject, optionalString, requiredString } from './responses.ts';
import type { Transport } from './transport.ts';

/**
 * ID matching across a business's apps and pages (Messenger Platform "ID Matching API"):
 * `GET /{psid}/ids_for_apps` and `GET /{asid}/ids_for_pages`. Both refuse calls without
 * appsecret_proof, so a client without the app secret fails before sending.
 */

export const IdsForAppsInputSchema = z.strictObject({ psid: PathIdSchema, token: TokenSchema });
export type IdsForAppsInput = z.input<typeof IdsForAppsInputSchema>;

export const IdsForPagesInputSchema = z.strictObject({
  /** App-scoped user id. */
  asid: PathIdSchema,
  token: TokenSchema,
  /** Restrict to one page. */
  pageId: PathIdSchema.optional(),
});
export type IdsForPagesInput = z.input<typeof IdsForPagesInputSchema>;

export interface AppScopedId {
  id: string;
  appId: string;
  appName?: string;
}

export interface PageScopedId {
  id: string;
  pageId: string;
  pageName?: string;
}

/**
 * Meta answers "(#200) … under review" for about 48 h after an app first uses ID matching
 * (docs/meta-platform.md, "Business setup facts"): say so, since "permissions error" alone sends people hunting for a scope.
 */
function explainReview(err: unknown): unknown {
  if (!(err instanceof GraphError) || err.code !== 200) return err;
  return new GraphError({
    ...err,
    message: `${err.message} (ID matching answers #200 while Meta reviews the app's first use, about 48 h)`,
    errorCode: err.errorCode,
    category: err.category,
    retryable: err.retryable,
    cause: err,
  });
}

function nested(raw: JsonObject, key: string): JsonObject {
  const value = raw[key];
  return typeof value === 'object' && value !== null ? (value as JsonObject) : {};
}

export function createIdMatchingCalls(transport: Transport) {
  async function idsForApps(input: IdsForAppsInput): Promise<AppScopedId[]> {
    const { psid, token } = validate(IdsForAppsInputSchema, input, 'ids_for_apps request');
    const path = `/${psid}/ids_for_apps`;
    const raw = await collectPages(transport, { host: 'graph', path, token, requireProof: true }).catch(
      (err) => {
        throw explainReview(err);
      },
    );
    return raw.map((entry) => {
      const app = nested(entry, 'app');
      const name = optionalString(app, 'name');
      return {
        id: requiredString(entry, 'id', `GET ${path}`),
        appId: requiredString(app, 'id', `GET ${path}`),
        ...(name === undefined ? {} : { appName: name }),
      };
    });
  }

  async function idsForPages(input: IdsForPagesInput): Promise<PageScopedId[]> {
    const { asid, token, pageId } = validate(IdsForPagesInputSchema, input, 'ids_for_pages request');
    const path = `/${asid}/ids_for_pages`;
    const raw = await collectPages(transport, {
      host: 'graph',
      path,
      token,
      query: { page: pageId },
      requireProof: true,
    }).catch((err) => {
      throw explainReview(err);
    });
    return raw.map((entry) => {
      const page = nested(entry, 'page');
      const name = optionalString(page, 'name');
      return {
        id: requiredString(entry, 'id', `GET ${path}`),
        pageId: requiredString(page, 'id', `GET ${path}`),
        ...(name === undefined ? {} : { pageName: name }),
      };
    });
  }

  return { idsForApps, idsForPages };
}
