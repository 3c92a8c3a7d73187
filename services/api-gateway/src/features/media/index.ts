import type { GraphClient } from '@omnistream/graph';
import type { IntegrationsRepository } from '@omnistream/integrations';
import type { Logger } from '@omnistream/logger';
import type { RegisterRoutes } from '../../shared/feature.ts';
import type { GatewayMetrics } from '../../shared/gateway-metrics.ts';
import type { TokenSource } from '../../shared/integration-token.ts';
import { registerMediaRoutes } from './media.routes.ts';
import { createMediaService } from './media.service.ts';
import { createMediaAccess } from './media-access.ts';
import { createMediaUpload } from './media-upload.ts';

/** Media in and out through the gateway (docs/admin-api.md, "Media"), wired. */
export function startMedia(deps: {
  graph: Pick<
    GraphClient,
    'getMediaUrl' | 'openMedia' | 'openAttachment' | 'uploadWhatsappMedia' | 'uploadMessengerAttachment'
  >;
  integrations: Pick<IntegrationsRepository, 'get'>;
  tokens: TokenSource;
  logger: Logger;
  metrics: GatewayMetrics;
  /** MEDIA_MAX_BYTES. */
  maxBytes: number;
  /** MEDIA_ALLOWED_HOSTS. */
  allowedHosts: readonly string[];
}): { routes: RegisterRoutes } {
  const access = createMediaAccess(deps);
  const media = createMediaService({ ...deps, access });
  const upload = createMediaUpload({ ...deps, access });
  return {
    routes: (app) =>
      registerMediaRoutes(app, { media, upload, logger: deps.logger, maxBytes: deps.maxBytes }),
  };
}
