import { GraphError } from '@omnistream/graph';
import type { IntegrationsRepository, ResolvedToken } from '@omnistream/integrations';
import { AppError } from '@omnistream/service-kit';
import type { GatewayMetrics } from '../../shared/gateway-metrics.ts';
import { graphFailure } from '../../shared/graph-failure.ts';
import type { TokenSource } from '../../shared/integration-token.ts';

export const fail = (code: ConstructorParameters<typeof AppError>[0], status: number, message: string) =>
  new AppError(code, message, { status });

/**
 * What downloads and uploads share: the integration and its current token (which never leaves the
 * gateway), and one mapping from a failed media call to the admin's answer, each failure counted
 * in omnistream_gateway_media_errors_total by reason.
 */
export function createMediaAccess(deps: {
  integrations: Pick<IntegrationsRepository, 'get'>;
  tokens: TokenSource;
  metrics: GatewayMetrics;
}) {
  const refuse = (reason: string, error: AppError): AppError => {
    deps.metrics.mediaError(reason);
    return error;
  };

  /** The integration (404 unknown, 409 disabled) and its current token (503 while not loaded). */
  async function integrationWithToken(integrationId: string): Promise<ResolvedToken> {
    const integration = await deps.integrations.get(integrationId);
    if (!integration) throw refuse('not_found', fail('GW_NOT_FOUND', 404, 'no such integration'));
    if (integration.status !== 'active')
      throw refuse(
        'disabled',
        fail('GW_CONFLICT', 409, `integration ${integration.id} is ${integration.status}`),
      );
    let token = deps.tokens.byIntegrationId(integrationId);
    if (token?.source !== 'database') {
      // Created or re-enabled since the token poll: one refresh instead of "no token" for a poll.
      await deps.tokens.refresh();
      token = deps.tokens.byIntegrationId(integrationId);
    }
    if (token?.source !== 'database')
      throw refuse(
        'no_token',
        new AppError('GW_UNAVAILABLE', 'the integration token could not be loaded; retry shortly', {
          status: 503,
          headers: { 'retry-after': '5' },
        }),
      );
    return token;
  }

  /** A GraphError of a media call → the admin's answer, with the metric's reason. */
  function mediaFailure(err: unknown, action: string): unknown {
    if (!(err instanceof GraphError)) return err;
    switch (err.errorCode) {
      case 'GRAPH_MEDIA_TOO_LARGE':
        return refuse('too_large', fail('GW_PAYLOAD_TOO_LARGE', 413, `${err.message} (MEDIA_MAX_BYTES)`));
      case 'GRAPH_MEDIA_HOST_REFUSED':
        return refuse(
          'host_refused',
          fail(
            'GW_UPSTREAM',
            502,
            `refused to ${action}: ${err.message}; MEDIA_ALLOWED_HOSTS lists the hosts allowed`,
          ),
        );
      case 'GRAPH_ATTACHMENT_EXPIRED':
        return refuse(
          'expired',
          fail(
            'GW_GONE',
            410,
            `the attachment URL has expired: Meta's CDN no longer serves it (${err.message})`,
          ),
        );
      case 'GRAPH_MEDIA_URL_EXPIRED':
        return refuse(
          'not_found',
          fail('GW_NOT_FOUND', 404, `Meta no longer serves this media (${err.message})`),
        );
    }
    // `GET /{media-id}` of an id Meta does not know (or no longer keeps: 30 days) is error 100/33.
    if (err.code === 100 && err.subcode === 33) return refuse('not_found', graphNotFound(err));
    const reason =
      err.category === 'auth' || err.category === 'permission'
        ? 'token_refused'
        : err.category === 'throttle' || (err.retryable && err.httpStatus === 429)
          ? 'meta_throttled'
          : 'upstream';
    deps.metrics.mediaError(reason);
    return graphFailure(err, action);
  }

  const graphNotFound = (err: GraphError) =>
    new AppError('GW_NOT_FOUND', `Meta has no such media: ${err.message}`, {
      status: 404,
      details: { meta: { code: err.code, subcode: err.subcode, message: err.message } },
    });

  return { refuse, integrationWithToken, mediaFailure };
}

export type MediaAccess = ReturnType<typeof createMediaAccess>;
