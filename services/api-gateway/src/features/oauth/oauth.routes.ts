import { GraphError } from '@omnistream/graph';
import { AppError, type ErrorBody } from '@omnistream/service-kit';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AdminApp } from '../../shared/admin-app.ts';
import { type AdminAuthDeps, registerAdminAuth } from '../../shared/admin-auth.ts';
import type { FailureResponder } from '../../shared/feature.ts';
import { GRAPH_FAILURE_STATUSES } from '../../shared/graph-failure.ts';
import { toIso } from '../../shared/iso-date.ts';
import { preferredFormat, sendHtml } from './callback-page.ts';
import type { LoginFlow, OnboardingResult } from './login-flow.ts';
import type { OauthOnboarding } from './oauth.service.ts';
import type { OauthProvider } from './oauth-states.repository.ts';
import { accessDenied, missingCode, notConfigured, stateRefused } from './onboarding-errors.ts';

export interface OauthRouteDeps {
  oauth: OauthOnboarding;
}

const PROVIDERS: readonly OauthProvider[] = ['instagram', 'messenger'];

const StartAnswer = z.object({
  provider: z.enum(['instagram', 'messenger']),
  authorizeUrl: z.url().describe("Meta's authorization dialog; open it in the admin's browser"),
  redirectUri: z
    .string()
    .describe('where Meta sends the browser back; must be registered in the Meta dashboard'),
  expiresAt: z.iso.datetime().describe('the authorization must be completed before this time'),
});

// Not strict: Meta adds parameters of its own (error_code, error_message, granted_scopes, …).
const CallbackQuery = z.object({
  code: z.string().max(4096).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(200).optional(),
  error_reason: z.string().max(200).optional(),
  error_description: z.string().max(2000).optional(),
});

const OnboardingAnswer = z.object({
  provider: z.enum(['instagram', 'messenger']),
  connected: z.array(
    z.object({
      integrationId: z.uuid(),
      channel: z.enum(['instagram', 'messenger']),
      accountId: z.string().describe('Instagram professional account id or Page id'),
      name: z.string().nullable(),
      action: z.enum(['created', 'updated']).describe('updated: the account’s integration got the new token'),
      tokenExpiresAt: z.iso.datetime().nullable(),
    }),
  ),
  skipped: z
    .array(z.object({ id: z.string(), name: z.string(), reason: z.string() }))
    .describe('Pages the login granted that cannot be messaged from, and why'),
});

const view = (r: OnboardingResult): z.infer<typeof OnboardingAnswer> => ({
  provider: r.provider,
  connected: r.connected.map((c) => ({ ...c, tokenExpiresAt: toIso(c.tokenExpiresAt) })),
  skipped: r.skipped,
});

/**
 * OAuth onboarding. `GET /oauth/{provider}/start` needs the admin key (Bearer) and answers 302 to
 * Meta's dialog, or `{authorizeUrl, …}` when the client asks for JSON (an admin UI fetches that
 * with its key, then navigates the browser). Meta sends the browser back to
 * `/oauth/{provider}/callback`, authenticated only by the single-use state; the callback answers a
 * page for browsers and JSON for API clients, the same for success and failure.
 */
export function registerOauthRoutes(app: AdminApp, deps: OauthRouteDeps & { auth: AdminAuthDeps }): void {
  const { states, flows } = deps.oauth;
  // A gateway without OAuth settings answers 503 on these public URLs: a crawler hitting them
  // should not fill the log with stack traces. Said once per provider at warn, then at debug.
  const toldNotConfigured = new Set<OauthProvider>();
  const notConfiguredFor = (flow: LoginFlow, request: FastifyRequest): AppError => {
    const err = notConfigured(flow.label, flow.missingSettings());
    const level = toldNotConfigured.has(flow.provider) ? 'debug' : 'warn';
    toldNotConfigured.add(flow.provider);
    request.log[level]({ provider: flow.provider, status: err.status }, err.message);
    return err;
  };

  void app.register(async (plugin) => {
    const scope = plugin as unknown as AdminApp;
    registerAdminAuth(scope, deps.auth);
    for (const provider of PROVIDERS) {
      const flow = flows[provider];
      scope.get(
        `/oauth/${provider}/start`,
        {
          schema: {
            tags: ['oauth'],
            summary: `Start connecting ${flow.label}: redirect to Meta's authorization dialog`,
            description:
              "302 to Meta's dialog by default; with `Accept: application/json` the URL is answered " +
              'instead. The authorization must be completed within 10 minutes, once.',
            security: [{ adminKey: [] }, { consoleSession: [] }],
            response: { 200: StartAnswer },
          },
        },
        async (request, reply) => {
          if (flow.missingSettings().length > 0) throw notConfiguredFor(flow, request);
          const adminKey = request.adminKey;
          if (!adminKey)
            throw new AppError('GW_UNAUTHORIZED', 'a valid admin key is required', { status: 401 });
          const redirectUri = flow.redirectUri();
          const started = await states.create({ provider, adminKeyId: adminKey.id, redirectUri });
          const authorizeUrl = flow.authorizeUrl({ state: started.state, redirectUri });
          request.log.info({ provider, adminKeyId: adminKey.id }, 'OAuth authorization started');
          void reply.header('cache-control', 'no-store');
          if (preferredFormat(request.headers.accept, 'html') === 'json') {
            return { provider, authorizeUrl, redirectUri, expiresAt: toIso(started.expiresAt) };
          }
          return reply.redirect(authorizeUrl, 302);
        },
      );
    }
  });

  for (const provider of PROVIDERS) {
    const flow = flows[provider];
    app.get(
      `/oauth/${provider}/callback`,
      {
        schema: {
          tags: ['oauth'],
          summary: `Meta's redirect after the ${flow.label} authorization (not called directly)`,
          description:
            'Checks the single-use state, exchanges the code and connects the accounts. HTML for ' +
            'browsers, JSON (`{provider, connected[], skipped[]}` or `{error:{code, reason, message}}`) ' +
            'otherwise. 400: bad, used, expired or foreign state, or access not granted; 403: the ' +
            'admin key that started it was revoked. Nothing is stored unless every step succeeded. ' +
            GRAPH_FAILURE_STATUSES,
          querystring: CallbackQuery,
          response: { 200: OnboardingAnswer },
        },
      },
      async (request, reply) => {
        const { state, code, error, error_description: description } = request.query;
        if (flow.missingSettings().length > 0) throw notConfiguredFor(flow, request);
        if (!state) throw stateRefused('missing_state');
        const consumed = await states.consume(state, provider);
        if (!consumed.ok) throw stateRefused(consumed.reason);
        if (error !== undefined) throw accessDenied(flow.label, description);
        if (!code) throw missingCode();
        const result = await flow.complete({
          code,
          redirectUri: consumed.state.redirectUri,
          adminKeyId: consumed.state.adminKeyId,
        });
        return sendSuccess(flow, result, request, reply);
      },
    );
  }
}

/**
 * The OAuth routes' failures, for the service's one error handler: a callback answers a page for
 * browsers (Meta redirected a person there, who should not read JSON) and JSON for API clients;
 * a start route's "not configured" 503 is answered as logged where it was raised (the service's
 * handler would log every 5xx with its stack, and these URLs are public). Everything else: the
 * service's JSON answer.
 */
export function oauthFailureResponder(deps: OauthRouteDeps): FailureResponder {
  const callbacks = new Map(PROVIDERS.map((p) => [`/oauth/${p}/callback`, deps.oauth.flows[p]]));
  const starts = new Set(PROVIDERS.map((p) => `/oauth/${p}/start`));
  return (err, request, reply) => {
    const url = request.routeOptions.url ?? '';
    const flow = callbacks.get(url);
    if (flow) return sendFailure(flow, err, request, reply);
    if (starts.has(url) && err instanceof AppError && err.details?.reason === 'not_configured') {
      return reply.status(err.status).send(errorBody(err, request));
    }
    return undefined;
  };
}

function sendSuccess(
  flow: LoginFlow,
  result: OnboardingResult,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const body = view(result);
  if (preferredFormat(request.headers.accept, 'json') === 'json') {
    return reply.status(200).header('cache-control', 'no-store').send(body);
  }
  const n = result.connected.length;
  const noun =
    flow.provider === 'messenger' ? (n === 1 ? 'Page' : 'Pages') : n === 1 ? 'account' : 'accounts';
  return sendHtml(reply, 200, {
    title: `${flow.label} connected`,
    lead: `Connected ${n} ${noun}. You can close this window.`,
    items: [
      ...result.connected.map(
        (c) =>
          `${c.name ?? c.accountId} (${c.accountId}): ${c.action === 'created' ? 'new connection' : 'token renewed'}`,
      ),
      ...result.skipped.map((s) => `${s.name} (${s.id}): not connected, ${s.reason}`),
    ],
  });
}

/** Failures of the callback, in the client's format; unexpected errors stay hidden behind an id. */
function sendFailure(
  flow: LoginFlow,
  err: FastifyError | AppError,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  let failure: AppError;
  if (err instanceof AppError) failure = err;
  else if ((err as { validation?: unknown }).validation !== undefined) {
    failure = new AppError('GW_VALIDATION', `invalid callback parameters: ${err.message}`, {
      status: 400,
      cause: err,
    });
  } else {
    failure = new AppError('GW_INTERNAL', `internal error (id ${request.id})`, { status: 500, cause: err });
  }
  // Meta failing is logged as a warning like a refusal: only the gateway's own faults are errors.
  // "Not configured" was logged where it was raised.
  if (failure.status >= 500 && !(failure.cause instanceof GraphError)) {
    if (failure.details?.reason !== 'not_configured') request.log.error({ err }, 'OAuth callback failed');
  } else
    request.log.warn({ code: failure.code, status: failure.status, ...failure.details }, failure.message);
  if (failure.headers) void reply.headers(failure.headers);
  const body = errorBody(failure, request);
  if (preferredFormat(request.headers.accept, 'json') === 'json') {
    return reply.status(failure.status).header('cache-control', 'no-store').send(body);
  }
  return sendHtml(reply, failure.status, {
    title: `${flow.label} was not connected`,
    lead: failure.message,
    footer: `Request id: ${request.id}`,
  });
}

function errorBody(failure: AppError, request: FastifyRequest): ErrorBody {
  return {
    error: {
      ...failure.details,
      code: failure.code,
      message: failure.message,
      requestId: String(request.id),
    },
  };
}
