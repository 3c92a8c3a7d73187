import type { Readable } from 'node:stream';
import { type GraphClient, GraphError, type MediaInfo } from '@omnistream/graph';
import type { Channel, ResolvedToken } from '@omnistream/integrations';
import type { Logger } from '@omnistream/logger';
import type { GatewayMetrics } from '../../shared/gateway-metrics.ts';
import { fail, type MediaAccess } from './media-access.ts';
import { createMediaUrlCache } from './media-url-cache.ts';

export interface MediaServiceDeps {
  graph: Pick<GraphClient, 'getMediaUrl' | 'openMedia' | 'openAttachment'>;
  access: MediaAccess;
  logger: Logger;
  metrics: GatewayMetrics;
  /** MEDIA_MAX_BYTES. */
  maxBytes: number;
  /** MEDIA_ALLOWED_HOSTS. */
  allowedHosts: readonly string[];
  now?: () => number;
}

/** A media file ready to stream: the body has not been read yet. */
export interface MediaDownload {
  channel: Channel;
  body: Readable;
  contentType: string;
  contentLength?: number;
  /** Meta's SHA-256 (hex or base64, as Meta gave it): the ETag, checked while streaming. */
  sha256?: string;
  /** The name Meta's media host gave it, when it did. */
  filename?: string;
  close(): void;
}

/** Nothing to send: the caller's copy (If-None-Match) is current. */
export interface MediaNotModified {
  notModified: true;
  sha256: string;
}

/**
 * Media from Meta through the gateway, with the integration's current token, which never leaves
 * it: WhatsApp media by id (resolved to Meta's short-lived URL, re-resolved when that expired), and
 * Messenger and Instagram attachments by their CDN URL. Every failure is an AppError with the right
 * status, counted in omnistream_gateway_media_errors_total by reason.
 */
export function createMediaService(deps: MediaServiceDeps) {
  const urls = createMediaUrlCache({ now: deps.now ?? Date.now });

  const { refuse, integrationWithToken, mediaFailure } = deps.access;

  async function resolve(token: ResolvedToken, mediaId: string, fresh: boolean): Promise<MediaInfo> {
    const key = `${token.integrationId}/${mediaId}`;
    if (!fresh) {
      const cached = urls.get(key);
      if (cached) return cached;
    }
    let info: MediaInfo;
    try {
      info = await deps.graph.getMediaUrl({ mediaId, token: token.token });
    } catch (err) {
      throw mediaFailure(err, `resolve media ${mediaId}`);
    }
    urls.set(key, info);
    return info;
  }

  return {
    /**
     * A WhatsApp media file, opened for streaming. A cached URL that Meta no longer serves (they
     * last about 5 minutes) is resolved again once.
     */
    async openWhatsappMedia(
      integrationId: string,
      mediaId: string,
      options: { ifNoneMatch?: (sha256: string) => boolean } = {},
    ): Promise<MediaDownload | MediaNotModified> {
      const token = await integrationWithToken(integrationId);
      if (token.channel !== 'whatsapp')
        throw refuse(
          'bad_request',
          fail(
            'GW_BAD_REQUEST',
            400,
            `media ids are WhatsApp's; a ${token.channel} attachment comes as a URL: GET /admin/integrations/${integrationId}/attachments?url=…`,
          ),
        );
      for (let attempt = 0; ; attempt++) {
        const info = await resolve(token, mediaId, attempt > 0);
        if (info.fileSize !== undefined && info.fileSize > deps.maxBytes)
          throw refuse(
            'too_large',
            fail(
              'GW_PAYLOAD_TOO_LARGE',
              413,
              `media of ${info.fileSize} bytes exceeds MEDIA_MAX_BYTES (${deps.maxBytes})`,
            ),
          );
        if (info.sha256 && options.ifNoneMatch?.(info.sha256))
          return { notModified: true, sha256: info.sha256 };
        try {
          const opened = await deps.graph.openMedia({
            url: info.url,
            token: token.token,
            maxBytes: deps.maxBytes,
            allowedHosts: deps.allowedHosts,
          });
          const contentType = info.mimeType ?? opened.contentType ?? 'application/octet-stream';
          const contentLength = opened.contentLength ?? info.fileSize;
          return {
            channel: 'whatsapp',
            body: opened.body,
            contentType,
            ...(contentLength === undefined ? {} : { contentLength }),
            ...(info.sha256 ? { sha256: info.sha256 } : {}),
            ...filenameOf(opened.contentDisposition),
            close: opened.close,
          };
        } catch (err) {
          const expired = err instanceof GraphError && err.errorCode === 'GRAPH_MEDIA_URL_EXPIRED';
          if (expired && attempt === 0) {
            deps.logger.info({ integrationId, mediaId }, 'media URL expired; resolving it again');
            continue;
          }
          throw mediaFailure(err, `download media ${mediaId}`);
        }
      }
    },

    /** A Messenger or Instagram attachment by the CDN URL its event carried. */
    async openAttachment(integrationId: string, url: string): Promise<MediaDownload> {
      const token = await integrationWithToken(integrationId);
      try {
        const opened = await deps.graph.openAttachment({
          url,
          maxBytes: deps.maxBytes,
          allowedHosts: deps.allowedHosts,
        });
        return {
          channel: token.channel,
          body: opened.body,
          contentType: opened.contentType ?? 'application/octet-stream',
          ...(opened.contentLength === undefined ? {} : { contentLength: opened.contentLength }),
          ...filenameOf(opened.contentDisposition),
          close: opened.close,
        };
      } catch (err) {
        throw mediaFailure(err, 'download the attachment');
      }
    },

    /** Bytes sent to a caller, counted once the response ended (whole or not). */
    countDownload(channel: Channel, bytes: number): void {
      deps.metrics.mediaBytes('download', channel, bytes);
    },
    countError(reason: string): void {
      deps.metrics.mediaError(reason);
    },
  };
}

export type MediaService = ReturnType<typeof createMediaService>;

/** `filename` of a Content-Disposition header (plain or RFC 8187 `filename*`). */
function filenameOf(disposition: string | undefined): { filename?: string } {
  if (!disposition) return {};
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (extended?.[1]) {
    try {
      return { filename: decodeURIComponent(extended[1].trim()) };
    } catch {
      // A malformed encoding: fall back to the plain form.
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)/i.exec(disposition);
  const name = (plain?.[1] ?? plain?.[2])?.trim();
  return name ? { filename: name } : {};
}
